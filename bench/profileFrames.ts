import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { resolve } from 'node:path';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

const root = `${resolve(__dirname, '..')}/`;
const inlineMap = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const maps = new Map<string, SourceMap | null>();

/**
 * A compiled service's frame (deploy/src/stack/compiledServices.ts: one bundle per service, its source map
 * inline) as the TypeScript file and line it came from; other frames as they are. V8's profiles name the
 * bundle's lines, which say nothing of which workspace or module a function belongs to.
 */
function sourceOf(frame: CallFrame): { url: string; lineNumber: number } {
  if (!frame.url.includes('/.build/services/')) return frame;
  const path = frame.url.replace(/^file:\/\//, '');
  let map = maps.get(path);
  if (map === undefined) {
    const payload = inlineMap.exec(readFileSync(path, 'utf8'))?.[1];
    map = payload ? new SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))) : null;
    maps.set(path, map);
  }
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return frame;
  return { url: resolve(path, '..', entry.originalSource.replace(/^file:\/\//, '')), lineNumber: entry.originalLine ?? 0 };
}

/** A profile frame's key (function, file from the repository's root, line) and the package its time counts for. */
export function describeFrame(frame: CallFrame): { key: string; pkg: string } {
  const { functionName } = frame;
  const { url, lineNumber } = sourceOf(frame);
  const short = url.replace(/^.*\/node_modules\//, 'nm:').replace(root, '').replace(/^file:\/\//, '');
  const key = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
  const pkg = url === ''
    ? functionName.startsWith('(') ? functionName : '(native)'
    : /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith('node:') ? 'node:internals' : url.startsWith(root) ? url.slice(root.length).split('/')[0] ?? url : url);
  return { key, pkg };
}
