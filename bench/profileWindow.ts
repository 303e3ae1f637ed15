import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CallFrame, describeFrame } from './profileFrames';

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface WindowSummary {
  /** Busy (non-idle) CPU ms sampled in the window. */
  busyMs: number;
  /** Where the core was, by the function on top of the stack. */
  self: { name: string; ms: number }[];
  /** Time under a function, its callees included: "how much did this step cost", for our own code and a few libraries. */
  inclusive: { name: string; ms: number }[];
  /** Self time by package (node_modules/<pkg>, our workspaces, node internals). */
  packages: { name: string; ms: number }[];
}

/**
 * A --cpu-prof profile read over its last `windowMs` only (the load phase: the profile also covers
 * start-up, whose tsx compilation would swamp a short load), by self time and by inclusive time.
 * Inclusive time counts each sample once per distinct function on its stack, so recursion is not
 * counted twice.
 */
export function summariseProfileWindow(dir: string, windowMs: number, top = 25): WindowSummary {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let busyUs = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    // Described once per node: a frame of a compiled service is looked up in its source map.
    const described = new Map<number, ReturnType<typeof describeFrame>>();
    const describe = (node: ProfileNode) => described.get(node.id) ?? described.set(node.id, describeFrame(node.callFrame)).get(node.id)!;
    const keyOf = (node: ProfileNode) => describe(node).key;
    const from = profile.endTime - windowMs * 1000;
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (t < from) continue;
      const node = byId.get(profile.samples[i]!);
      if (!node || node.callFrame.functionName === '(idle)') continue;
      // A sample stands for the time until the next one.
      const us = profile.timeDeltas[i + 1] ?? delta;
      busyUs += us;
      const key = keyOf(node);
      self.set(key, (self.get(key) ?? 0) + us);
      const { pkg } = describe(node);
      packages.set(pkg, (packages.get(pkg) ?? 0) + us);
      const seen = new Set<string>();
      for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at);
        if (!frame || !frame.callFrame.url) continue;
        const k = keyOf(frame);
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
  }
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10 }));
  return { busyMs: Math.round(busyUs / 1000), self: rank(self), inclusive: rank(inclusive), packages: rank(packages) };
}
