import { type BenchContext, cpuNote, ratio } from '../context';
import type { BenchUser } from '../fixtures';
import { fixedRate, type RequestSpec, saturate } from '../loadGenerator';

/**
 * 2. Week view reads: GET /events?view=WEEKLY&date=… for random users of the week fixture (~21 events
 * each): saturation and latency at a steady open-loop rate, beside /healthz on the same server.
 */
export async function weekViewSection(ctx: BenchContext): Promise<void> {
  const fixture = await ctx.weekFixture();
  const healthz = await ctx.healthzCeiling();
  const request = weekViewRequest(fixture.users, fixture.dates);

  // What a view holds (a sanity check that we measure a realistic calendar, not empty answers).
  const sizes: number[] = [];
  const sample = await saturate(ctx.server, 4, { request, durationMs: 10_000, maxRequests: 200, wantBody: true, onResponse: (_i, r) => {
    if (r.status === 200 && r.body) sizes.push((JSON.parse(r.body.toString()) as { events: unknown[] }).events.length);
  } });
  const meanEvents = sizes.length ? Math.round((sizes.reduce((a, b) => a + b, 0) / sizes.length) * 10) / 10 : 0;
  if (sample.errors > 0) throw new Error(`week view failed: ${sample.firstError}`);

  await saturate(ctx.server, ctx.concurrency, { request, durationMs: ctx.pick(2000, 500) }); // warm-up
  const sat = await ctx.measure(() => saturate(ctx.server, ctx.concurrency, { request, durationMs: ctx.pick(10_000, 3000) }));

  // Steady: 2,000 req/s as asked, or — when the box saturates below that — 80% of the measured
  // saturation, the highest rate it can hold without an ever-growing queue.
  const rate = Math.min(2000, Math.floor((sat.result.throughput * 0.8) / 50) * 50);
  const steady = await ctx.measure(() => fixedRate(ctx.server, rate, { request, durationMs: ctx.pick(10_000, 3000) }));

  ctx.details.weekView = { meanEventsPerView: meanEvents, saturation: { ...sat.result, cpu: sat.cpu }, steady: { ...steady.result, cpu: steady.cpu } };
  const r = ratio(sat.result.throughput, healthz.throughput);
  ctx.figures.push(
    {
      section: 'weekView', figure: `week view saturation (${meanEvents} events/view)`, value: sat.result.throughput, unit: 'req/s',
      ceiling: healthz.throughput, ceilingLabel: '/healthz req/s', ratio: r, target: '≥ 50% of /healthz', pass: r === null ? null : r >= 0.5,
      notes: `p50 ${sat.result.latency.p50Ms} / p99 ${sat.result.latency.p99Ms} ms; ${cpuNote(sat.cpu)}; errors ${sat.result.errors}`,
    },
    {
      section: 'weekView', figure: `week view p99 at steady ${rate} req/s`, value: steady.result.latency.p99Ms, unit: 'ms',
      target: 'p99 < 5 ms at 2,000 req/s', pass: rate >= 2000 && steady.result.dropped === 0 ? steady.result.latency.p99Ms < 5 : false,
      notes: `p50 ${steady.result.latency.p50Ms} ms (service p50 ${steady.result.serviceLatency?.p50Ms} / p99 ${steady.result.serviceLatency?.p99Ms}); achieved ${steady.result.throughput} req/s, dropped ${steady.result.dropped}; ${cpuNote(steady.cpu)}${rate < 2000 ? '; 2,000 req/s exceeds saturation on this box' : ''}`,
    },
  );
}

export function weekViewRequest(users: BenchUser[], dates: string[]): (i: number) => RequestSpec {
  // Pre-built requests, so the generator spends no time building them.
  const specs: RequestSpec[] = [];
  for (let i = 0; i < 4096; i++) {
    const user = users[(i * 7919) % users.length]!;
    specs.push({ method: 'GET', path: `/events?view=WEEKLY&date=${dates[i % dates.length]}`, headers: user.auth });
  }
  return (i) => specs[i % specs.length]!;
}
