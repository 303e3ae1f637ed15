import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CallFrame, describeFrame } from './profileFrames';

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

/**
 * Top self-time functions (as % of the busy, non-idle samples) of one process's --cpu-prof profile(s), grouped by function and file,
 * and by package (node_modules/<pkg>, our workspaces, node internals): where that process's core went.
 */
export function summariseProfiles(dir: string, top = 20): { functions: { name: string; pct: number }[]; packages: { name: string; pct: number }[] } {
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (!hits) continue;
      // Idle time is the event loop waiting (for PostgreSQL, or for load): left out, so the shares are of busy time.
      if (node.callFrame.functionName === '(idle)') continue;
      total += hits;
      const { key, pkg } = describeFrame(node.callFrame);
      byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, hits]) => ({ name, pct: Math.round((hits / (total || 1)) * 1000) / 10 }));
  return { functions: rank(byFunction), packages: rank(byPackage) };
}
