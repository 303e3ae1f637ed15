import { cpuNote } from '../cpuMeter';
import type { BenchContext } from '../context';

/** 1. The HTTP ceiling: the query side's own process answering GET /healthz (no auth, no database) at saturation. */
export async function healthzSection(ctx: BenchContext): Promise<void> {
  const target = ctx.system.queries;
  const { result, cpu } = await ctx.measure(target, () => ctx.healthzCeiling());
  ctx.details.healthz = { service: target.name, ...result, cpu };
  ctx.figures.push(
    { section: 'healthz', figure: `GET /healthz on ${target.name}, saturation (${ctx.concurrency} conns)`, value: result.throughput, unit: 'req/s', target: 'ceiling', notes: cpuNote(cpu) },
    { section: 'healthz', figure: `GET /healthz on ${target.name}, p50 at saturation`, value: result.latency.p50Ms, unit: 'ms', notes: `p99 ${result.latency.p99Ms} ms` },
  );
}
