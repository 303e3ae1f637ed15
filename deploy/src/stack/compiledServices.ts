import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = resolve(__dirname, '../../..');
/** Where compiled services are kept, inside the repository so their packages resolve from its node_modules. */
export const COMPILED_DIR = join(root, '.build', 'services');

/** Each service's entry, from the repository's root. */
const SERVICE_ENTRIES = {
  'command-api': 'command-api/src/main.ts',
  'query-api': 'query-api/src/main.ts',
  projector: 'projector/src/main.ts',
  notifier: 'notifier/src/main.ts',
  relay: 'deploy/src/relay.main.ts',
  gateway: 'deploy/src/gateway.main.ts',
};
export type ServiceName = keyof typeof SERVICE_ENTRIES;

/** A compiled file not built or started for this long is removed when its service is compiled again. */
const UNUSED_FOR_MS = 24 * 3_600_000;

/**
 * Packages bundled all the same: temporal-polyfill ships ES modules only, which `require` loads only from
 * Node 20.19 on (tsx compiled them before); the project runs on any Node 20.
 */
const BUNDLED_PACKAGES = /^(@datebook\/|temporal-polyfill|temporal-utils|temporal-spec)/;

/**
 * Every other bare import stays a `require` of node_modules: the bundle holds Datebook's TypeScript (packages
 * such as pino resolve files of their own at run time).
 */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(on) {
    on.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGES.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Source files that read files beside themselves (Lua scripts, the password list) name their folder with
 * `__dirname`, which in a bundle would be the bundle's: it is written in as the source file's folder.
 */
const sourceDirname: Plugin = {
  name: 'source-dirname',
  setup(on) {
    on.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      // Only `__dirname` is written in; a module naming itself another way would name the bundle.
      if (/\b(__filename|import\.meta)\b/.test(text)) throw new Error(`${args.path}: uses __filename or import.meta, which the compiled service would not resolve as in its source`);
      if (!text.includes('__dirname')) return undefined;
      return { contents: text.replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))), loader: 'ts' };
    });
  },
};

/**
 * The named services compiled for the stack (production profile, scale-out, bench): one CommonJS file per
 * service, Datebook's modules bundled into it. (The container image, untested here, still runs tsx.) Running the TypeScript through tsx instead costs CPU on
 * every request: tsx compiles with esbuild's `keepNames`, so each closure made at run time is given its name
 * with a `defineProperty`, and every value one module imports from another is read through a getter. Here
 * modules share one scope and closures are plain. Files are named by their content (written once, then
 * renamed into place), so stacks built at once, or again from the same sources, share them. Returns the path
 * of each service's file. Source maps are inline: `node --enable-source-maps` shows TypeScript lines in stacks.
 */
export async function compiledServices<Name extends ServiceName>(names: readonly Name[]): Promise<Record<Name, string>> {
  const result = await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, join(root, SERVICE_ENTRIES[name])])),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: COMPILED_DIR,
    write: false,
    sourcemap: 'inline',
    keepNames: false,
    logLevel: 'silent',
    plugins: [externalPackages, sourceDirname],
  });
  // esbuild warns of what a bundle may not do as its sources did (an unresolvable require, a direct eval…): refused.
  if (result.warnings.length > 0) {
    throw new Error(`compiling services: ${result.warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`).join('; ')}`);
  }
  mkdirSync(COMPILED_DIR, { recursive: true });
  const compiled = {} as Record<Name, string>;
  for (const name of names) {
    const output = result.outputFiles.find((file) => file.path === join(COMPILED_DIR, `${name}.js`));
    if (!output) throw new Error(`compiling ${name}: esbuild wrote no ${name}.js`);
    const digest = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
    const file = join(COMPILED_DIR, `${name}.${digest}.js`);
    if (!markUsed(file)) {
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, output.contents);
      renameSync(partial, file);
      removeUnused(name);
    }
    compiled[name] = file;
  }
  return compiled;
}

/** Marks a compiled file as used now (see `removeUnused`); false when it is not there. */
export function markUsed(file: string): boolean {
  try {
    const now = new Date();
    utimesSync(file, now, now);
    return true;
  } catch {
    return false;
  }
}

/** Earlier compilations of a service that nothing has used for a day: sources change, the folder stays small. */
function removeUnused(name: string): void {
  for (const file of readdirSync(COMPILED_DIR)) {
    if (!file.startsWith(`${name}.`)) continue;
    const path = join(COMPILED_DIR, file);
    try {
      if (Date.now() - statSync(path).mtimeMs > UNUSED_FOR_MS) rmSync(path, { force: true });
    } catch {
      // Removed by another build meanwhile.
    }
  }
}
