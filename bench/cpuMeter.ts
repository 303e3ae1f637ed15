import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { CpuSources, MeteredProcess } from './profiles/benchSystem';

/**
 * Where the CPU went during a measurement, from /proc, in % of ONE core (100 = one fully busy core;
 * the box has `cores`): the measured service process (the one the load was sent to), the system's
 * other processes (each named), the PostgreSQL processes working for the bench database, Redis,
 * the Kafka broker, this process (the load generator, probes and fixtures), and the rest of the box
 * (other people's work: this machine is shared). It answers "what limited this figure", and whether
 * the box was quiet.
 */
export interface CpuSplit {
  cores: number;
  measured: string;
  measuredPct: number;
  /** The system's other processes together, and each of them. */
  otherStackPct: number;
  otherStack: Record<string, number>;
  pgPct: number;
  redisPct: number | null;
  kafkaPct: number | null;
  generatorPct: number;
  /** Everything else on the box: other databases, other processes. */
  otherPct: number;
  idlePct: number;
}

const TICK_HZ = 100; // USER_HZ on Linux

function procTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

export function systemTicks(): { busy: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, idle };
}

/** CPU seconds of a changing set of processes (PostgreSQL backends come and go), sampled while metering. */
function processSetMeter(pids: () => Promise<number[]>) {
  // pid → ticks at first sight and at the last sample: a backend that exits between samples keeps
  // what it used until the last one (it loses at most one sampling interval).
  const seen = new Map<number, { first: number; last: number }>();
  const sample = async (fresh: boolean) => {
    for (const pid of await pids()) {
      const ticks = procTicks(pid);
      const known = seen.get(pid);
      if (known) known.last = Math.max(known.last, ticks);
      // Present at the start: counted from there. New: counted from zero (it was born meanwhile).
      else seen.set(pid, { first: fresh ? ticks : 0, last: ticks });
    }
  };
  return {
    start: () => sample(true),
    sample: () => sample(false),
    seconds: () => [...seen.values()].reduce((sum, p) => sum + Math.max(0, p.last - p.first), 0) / TICK_HZ,
  };
}

const PG_SAMPLE_MS = 200;

/** Starts metering; the returned function ends it. `measured` is the process the load goes to. */
export async function startCpuMeter(measured: MeteredProcess, sources: CpuSources): Promise<() => Promise<CpuSplit>> {
  const stack0 = new Map(sources.processes().map((p) => [p.pid, procTicks(p.pid)]));
  const benchOwn = () => new Set(sources.generatorPgPids?.() ?? []);
  const pg = processSetMeter(async () => {
    const own = benchOwn();
    return (await sources.pgPids()).filter((pid) => !own.has(pid));
  });
  const pgOfGenerator = processSetMeter(async () => [...benchOwn()]);
  await Promise.all([pg.start(), pgOfGenerator.start()]);
  const sampler = setInterval(() => void Promise.all([pg.sample(), pgOfGenerator.sample()]).catch(() => undefined), PG_SAMPLE_MS);
  const redis0 = sources.redisPid ? procTicks(sources.redisPid) : 0;
  const kafka0 = sources.kafkaPid ? procTicks(sources.kafkaPid) : 0;
  const t0 = process.hrtime.bigint();
  const g0 = process.cpuUsage();
  const sys0 = systemTicks();
  return async () => {
    clearInterval(sampler);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const g = process.cpuUsage(g0);
    const sys1 = systemTicks();
    await Promise.all([pg.sample(), pgOfGenerator.sample()]);
    const pgS = pg.seconds();
    // The probes' PostgreSQL backend works for the generator (the watcher's polls), not for the system.
    const generator = (g.user + g.system) / 1e6 + pgOfGenerator.seconds();
    const since = (pid: number) => Math.max(0, procTicks(pid) - (stack0.get(pid) ?? 0)) / TICK_HZ;
    let measuredS = 0;
    const others: Record<string, number> = {};
    for (const p of sources.processes()) {
      if (p.pid === measured.pid) measuredS += since(p.pid);
      else others[p.name] = (others[p.name] ?? 0) + since(p.pid);
    }
    const redis = sources.redisPid ? Math.max(0, procTicks(sources.redisPid) - redis0) / TICK_HZ : null;
    const kafka = sources.kafkaPid ? Math.max(0, procTicks(sources.kafkaPid) - kafka0) / TICK_HZ : null;
    const otherStack = Object.values(others).reduce((a, b) => a + b, 0);
    const busy = (sys1.busy - sys0.busy) / TICK_HZ;
    const idle = (sys1.idle - sys0.idle) / TICK_HZ;
    const pct = (x: number) => Math.round((x / seconds) * 100);
    return {
      cores: cpus().length,
      measured: measured.name,
      measuredPct: pct(measuredS),
      otherStackPct: pct(otherStack),
      otherStack: Object.fromEntries(Object.entries(others).map(([name, s]) => [name, pct(s)])),
      pgPct: pct(pgS),
      redisPct: redis === null ? null : pct(redis),
      kafkaPct: kafka === null ? null : pct(kafka),
      generatorPct: pct(generator),
      otherPct: pct(Math.max(0, busy - measuredS - otherStack - generator - pgS - (redis ?? 0) - (kafka ?? 0))),
      idlePct: pct(idle),
    };
  };
}

/** "what used the CPU" for a figure's notes, in % of one core. */
export function cpuNote(c: CpuSplit): string {
  const others = Object.entries(c.otherStack).filter(([, pct]) => pct > 0).sort((a, b) => b[1] - a[1]);
  const parts = [
    `${c.measured} ${c.measuredPct}`,
    ...(Object.keys(c.otherStack).length ? [`other stack ${c.otherStackPct}${others.length ? ` (${others.map(([n, p]) => `${n} ${p}`).join(', ')})` : ''}`] : []),
    `pg ${c.pgPct}`,
    ...(c.redisPct === null ? [] : [`redis ${c.redisPct}`]),
    ...(c.kafkaPct === null ? [] : [`kafka ${c.kafkaPct}`]),
    `generator ${c.generatorPct}`,
    `rest of box ${c.otherPct}`,
  ];
  return `cpu % of a core: ${parts.join(', ')}`;
}

/** How busy the box is without us: % of one core used over `ms` (for the "was the box quiet" note). */
export async function boxBusyPct(ms: number): Promise<number> {
  const a = systemTicks();
  const g0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const b = systemTicks();
  const g = process.cpuUsage(g0);
  const busy = (b.busy - a.busy) / TICK_HZ - (g.user + g.system) / 1e6;
  return Math.round((busy / (ms / 1000)) * 100);
}

/** CPU ms one operation cost in a process at `opsPerSecond` (pct of one core → ms of CPU per op). */
export const cpuMsPerOp = (pct: number, opsPerSecond: number): number => (opsPerSecond > 0 ? Math.round(((pct / 100) * 1000 * 1000) / opsPerSecond) / 1000 : NaN);

/**
 * The CPU one operation cost, per process of the system (the measured one first, then the others, PostgreSQL,
 * Redis and Kafka) and summed over the system (the generator and the rest of the box left out): the issue's
 * "CPU per operation per process".
 */
export function cpuPerOp(c: CpuSplit, opsPerSecond: number): { measuredMs: number; systemMs: number; note: string } {
  const parts: [string, number][] = [
    [c.measured, c.measuredPct],
    ...Object.entries(c.otherStack).filter(([, pct]) => pct > 0).sort((a, b) => b[1] - a[1]),
    ['pg', c.pgPct],
    ...(c.redisPct === null ? [] : [['redis', c.redisPct] as [string, number]]),
    ...(c.kafkaPct === null ? [] : [['kafka', c.kafkaPct] as [string, number]]),
  ];
  const systemPct = parts.reduce((sum, [, pct]) => sum + pct, 0);
  const measuredMs = cpuMsPerOp(c.measuredPct, opsPerSecond);
  const systemMs = cpuMsPerOp(systemPct, opsPerSecond);
  return { measuredMs, systemMs, note: `cpu ms per op: ${parts.map(([name, pct]) => `${name} ${cpuMsPerOp(pct, opsPerSecond)}`).join(', ')}; system ${systemMs}` };
}
