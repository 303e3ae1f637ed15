import type { CpuSplit } from './cpuMeter';

/** The seed design's load: 100M daily users, 3 bookings each a day, 10k calendar reads/s across the fleet. */
export const SEED_LOAD = { bookingsPerS: 3_500, readsPerS: 10_000, peakFactor: 3 };

/** Cores are bought for this share of busy time: headroom for bursts, GC and a failed machine's load. */
const TARGET_UTILISATION = 0.6;
const CORES_PER_MACHINE = 16;

/** What one operation cost, per process, in CPU ms, as a run measured it. */
export interface OperationCost {
  name: string;
  ratePerS: number;
  msByProcess: Record<string, number>;
}

/**
 * Per-process CPU ms per operation from a measurement at `ratePerS` (the generator and the rest of the box left
 * out). `only`: the processes the operation runs through (a read's are the query API, PostgreSQL and Redis; what
 * the consumers did meanwhile is not the read's).
 */
export function operationCost(name: string, cpu: CpuSplit, ratePerS: number, only?: readonly string[]): OperationCost {
  const ms = (pct: number) => ((pct / 100) * 1000) / ratePerS;
  const msByProcess: Record<string, number> = { [cpu.measured]: ms(cpu.measuredPct) };
  for (const [process, pct] of Object.entries(cpu.otherStack)) if (pct > 0) msByProcess[process] = ms(pct);
  msByProcess.postgresql = ms(cpu.pgPct);
  if (cpu.redisPct !== null) msByProcess.redis = ms(cpu.redisPct);
  if (cpu.kafkaPct !== null) msByProcess.kafka = ms(cpu.kafkaPct);
  if (only) for (const process of Object.keys(msByProcess)) if (process !== cpu.measured && !only.includes(process)) delete msByProcess[process];
  return { name, ratePerS, msByProcess };
}

export interface FleetLine {
  process: string;
  msPerBooking: number;
  msPerRead: number;
  averageCores: number;
  peakCores: number;
  peakMachines: number;
}

/**
 * Cores and machines per process for the seed's load, average and 3× peak, from the CPU one booking and one
 * week view cost here: busy cores = Σ rate × ms / 1000, provisioned at TARGET_UTILISATION, machines of
 * CORES_PER_MACHINE cores (at least two of each, so one can fail).
 */
export function fleetSizing(booking: OperationCost, read: OperationCost): FleetLine[] {
  const processes = [...new Set([...Object.keys(booking.msByProcess), ...Object.keys(read.msByProcess)])];
  const lines = processes.map((process) => {
    const msPerBooking = booking.msByProcess[process] ?? 0;
    const msPerRead = read.msByProcess[process] ?? 0;
    const busy = (SEED_LOAD.bookingsPerS * msPerBooking + SEED_LOAD.readsPerS * msPerRead) / 1000;
    const averageCores = busy / TARGET_UTILISATION;
    const peakCores = (busy * SEED_LOAD.peakFactor) / TARGET_UTILISATION;
    return { process, msPerBooking, msPerRead, averageCores, peakCores, peakMachines: Math.max(2, Math.ceil(peakCores / CORES_PER_MACHINE)) };
  });
  return lines.filter((l) => l.averageCores > 0.05).sort((a, b) => b.peakCores - a.peakCores);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The sizing as a printed table. */
export function formatFleetSizing(lines: FleetLine[], booking: OperationCost, read: OperationCost): string {
  const header = ['process', 'ms CPU / booking', 'ms CPU / week view', `cores at ${SEED_LOAD.bookingsPerS} bookings/s + ${SEED_LOAD.readsPerS} reads/s`, `cores at ${SEED_LOAD.peakFactor}× peak`, `${CORES_PER_MACHINE}-core machines at peak`];
  const rows = lines.map((l) => [l.process, String(round(l.msPerBooking, 3)), String(round(l.msPerRead, 3)), String(round(l.averageCores, 1)), String(round(l.peakCores, 1)), String(l.peakMachines)]);
  const total = lines.reduce((sum, l) => ({ average: sum.average + l.averageCores, peak: sum.peak + l.peakCores }), { average: 0, peak: 0 });
  rows.push(['all', String(round(lines.reduce((s, l) => s + l.msPerBooking, 0), 3)), String(round(lines.reduce((s, l) => s + l.msPerRead, 0), 3)), String(round(total.average, 1)), String(round(total.peak, 1)), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [
    `Fleet sizing from this run's CPU per operation (bookings measured at ${round(booking.ratePerS, 0)}/s, week views at ${round(read.ratePerS, 0)}/s; cores provisioned at ${TARGET_UTILISATION * 100}% busy):`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
