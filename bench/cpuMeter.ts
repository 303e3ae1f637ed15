import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Where the CPU went during a measurement, from /proc: the server child, this process (the load
 * generator and SQL fixtures), the PostgreSQL backends serving the bench database, and the rest of the
 * box (other people's work: this machine is shared). In % of ONE core, so 100 = one fully busy core;
 * the box has `cores` cores. It answers "what limited this figure" — and whether the box was quiet.
 */
export interface CpuSplit {
  cores: number;
  serverPct: number;
  generatorPct: number;
  /** PostgreSQL backends connected to the bench database (sampled at start and end). */
  pgPct: number;
  /** Everything else on the box: other PostgreSQL databases, other processes. */
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

/** `pgPids` lists the backends of the bench database (pg_stat_activity); called at start and at end. */
export async function startCpuMeter(serverPid: number | undefined, pgPids: () => Promise<number[]>): Promise<() => Promise<CpuSplit>> {
  const pids0 = await pgPids();
  const pg0 = new Map(pids0.map((pid) => [pid, procTicks(pid)]));
  const t0 = process.hrtime.bigint();
  const s0 = serverPid ? procTicks(serverPid) : 0;
  const g0 = process.cpuUsage();
  const sys0 = systemTicks();
  return async () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const server = serverPid ? (procTicks(serverPid) - s0) / TICK_HZ : 0;
    const g = process.cpuUsage(g0);
    const generator = (g.user + g.system) / 1e6;
    const sys1 = systemTicks();
    // Backends that existed at the start and still exist, plus new ones counted from zero.
    let pgTicks = 0;
    for (const pid of await pgPids()) pgTicks += procTicks(pid) - (pg0.get(pid) ?? 0);
    const pg = Math.max(0, pgTicks) / TICK_HZ;
    const busy = (sys1.busy - sys0.busy) / TICK_HZ;
    const idle = (sys1.idle - sys0.idle) / TICK_HZ;
    const pct = (x: number) => Math.round((x / seconds) * 100);
    return {
      cores: cpus().length,
      serverPct: pct(server),
      generatorPct: pct(generator),
      pgPct: pct(pg),
      otherPct: pct(Math.max(0, busy - server - generator - pg)),
      idlePct: pct(idle),
    };
  };
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
