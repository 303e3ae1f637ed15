import { type BenchContext, cpuNote } from '../context';

/** 1. The HTTP ceiling: the same server answering GET /healthz (no auth, no database) at saturation. */
export async function healthzSection(ctx: BenchContext): Promise<void> {
  const { result, cpu } = await ctx.measure(() => ctx.healthzCeiling());
  ctx.details.healthz = { ...result, cpu };
  ctx.figures.push(
    { section: 'healthz', figure: `GET /healthz saturation (${ctx.concurrency} conns)`, value: result.throughput, unit: 'req/s', target: 'ceiling', notes: cpuNote(cpu) },
    { section: 'healthz', figure: 'GET /healthz p50 / p99 at saturation', value: result.latency.p50Ms, unit: 'ms', notes: `p99 ${result.latency.p99Ms} ms` },
  );
}
