import { Redis } from 'ioredis';
import { ratio, type BenchContext } from '../context';
import { cpuNote, cpuPerOp } from '../cpuMeter';
import type { BenchUser } from '../fixtures';
import { closedLoop, fixedRate, type RequestSpec, saturate } from '../loadGenerator';
import { warmViews } from '../warmViews';

/**
 * 2. Week view reads: GET /events?view=WEEKLY&date=… for random users of the week fixture (~21 events
 * each), sent to the query side's process: saturation and latency at a steady open-loop rate, beside
 * two ceilings measured now: /healthz on the same process, and (production) raw ZRANGEBYSCORE from
 * Redis through ioredis, the range read a view is served by.
 */
export async function weekViewSection(ctx: BenchContext): Promise<void> {
  const fixture = await ctx.weekFixture();
  const target = ctx.system.queries;
  // The projections showed the fixture after projectMs; every consumer (the notifier too) is done once settled.
  const settleMs = await ctx.settle('after the week fixture');
  const caughtUpMs = fixture.projectMs + settleMs;
  const caughtUpRate = Math.round(fixture.storeRows / (caughtUpMs / 1000));
  ctx.figures.push({
    section: 'weekView', figure: `week fixture catch-up: ${fixture.storeRows.toLocaleString('en-US')} store events appended at once → every consumer done`, value: caughtUpRate, unit: 'events/s',
    target: '≥ 10,000 events/s', pass: caughtUpRate >= 10_000,
    notes: `${Math.round(caughtUpMs)} ms in all: read model and views showed the last event after ${Math.round(fixture.projectMs)} ms, the last consumer (notifier, relay, projections) was done ${Math.round(settleMs)} ms later`,
  });
  const healthz = await ctx.healthzCeiling();
  const request = weekViewRequest(fixture.users, fixture.dates);
  const served = await warmViews(ctx, fixture.users);

  // What a view holds (a sanity check that we measure a realistic calendar, not empty answers).
  const sizes: number[] = [];
  const sample = await saturate(target, 4, { request, durationMs: 10_000, maxRequests: 200, wantBody: true, onResponse: (_i, r) => {
    if (r.status === 200 && r.body) sizes.push((JSON.parse(r.body.toString()) as { events: unknown[] }).events.length);
  } });
  const meanEvents = sizes.length ? Math.round((sizes.reduce((a, b) => a + b, 0) / sizes.length) * 10) / 10 : 0;
  if (sample.errors > 0) throw new Error(`week view failed: ${sample.firstError}`);

  await saturate(target, ctx.concurrency, { request, durationMs: ctx.pick(2000, 500) }); // warm-up
  const sat = await ctx.measure(target, () => saturate(target, ctx.concurrency, { request, durationMs: ctx.pick(10_000, 2000) }));

  // Steady: half of /healthz's rate, as issue 15 asks, or — when the box saturates below that — 80% of the
  // measured saturation, the highest rate it can hold without an ever-growing queue.
  const asked = Math.floor(healthz.throughput / 2 / 50) * 50;
  const rate = Math.min(asked, Math.floor((sat.result.throughput * 0.8) / 50) * 50);
  const steady = await ctx.measure(target, () => fixedRate(target, rate, { request, durationMs: ctx.pick(10_000, 2000) }));
  const redis = ctx.redisUrl ? await ctx.measure(target, () => rawRangeReads(ctx.redisUrl!, ctx.concurrency, ctx.pick(10_000, 2000))) : undefined;

  ctx.details.weekView = {
    meanEventsPerView: meanEvents, viewsServedFromRedis: served, saturation: { ...sat.result, cpu: sat.cpu }, steady: { ...steady.result, cpu: steady.cpu },
    ...(redis ? { rawZrangeByScore: { ...redis.result, cpu: redis.cpu } } : {}),
  };
  const r = ratio(sat.result.throughput, healthz.throughput);
  const servedNote = served === null ? 'views in the server\'s memory' : `${served.complete}/${served.users} users' views served from Redis`;
  ctx.figures.push(
    {
      section: 'weekView', figure: `week view saturation on ${target.name} (${meanEvents} events/view)`, value: sat.result.throughput, unit: 'req/s',
      ceiling: healthz.throughput, ceilingLabel: `/healthz req/s, ${target.name}`, ratio: r, target: '≥ 50% of /healthz', pass: r === null ? null : r >= 0.5,
      notes: `p50 ${sat.result.latency.p50Ms} / p99 ${sat.result.latency.p99Ms} ms; ${servedNote}; ${cpuNote(sat.cpu)}; ${cpuPerOp(sat.cpu, sat.result.throughput).note}; errors ${sat.result.errors}`,
    },
    {
      section: 'weekView', figure: `  ${target.name} CPU per week view at saturation`, value: cpuPerOp(sat.cpu, sat.result.throughput).measuredMs, unit: 'ms',
      target: '≤ 0.15 ms', pass: cpuPerOp(sat.cpu, sat.result.throughput).measuredMs <= 0.15, notes: cpuPerOp(sat.cpu, sat.result.throughput).note,
    },
    {
      section: 'weekView', figure: `week view p99 at steady ${rate} req/s`, value: steady.result.latency.p99Ms, unit: 'ms',
      target: `p99 < 10 ms at half of /healthz (${asked} req/s)`, pass: rate >= asked && steady.result.dropped === 0 ? steady.result.latency.p99Ms < 10 : false,
      notes: `p50 ${steady.result.latency.p50Ms} ms (service p50 ${steady.result.serviceLatency?.p50Ms} / p99 ${steady.result.serviceLatency?.p99Ms}); achieved ${steady.result.throughput} req/s, dropped ${steady.result.dropped}; ${cpuNote(steady.cpu)}; ${cpuPerOp(steady.cpu, steady.result.throughput).note}${rate < asked ? `; ${asked} req/s exceeds saturation on this box` : ''}`,
    },
  );
  if (redis) {
    ctx.figures.push({
      section: 'weekView', figure: `raw ZRANGEBYSCORE (ioredis, 1 connection, ${ctx.concurrency} in flight)`, value: redis.result.throughput, unit: 'ops/s', target: 'ceiling',
      notes: `${redis.result.membersPerRead} members per read; p50 ${redis.result.latency.p50Ms} / p99 ${redis.result.latency.p99Ms} ms; week view saturation = ${Math.round((ratio(sat.result.throughput, redis.result.throughput) ?? 0) * 1000) / 10}% of it; ${cpuNote(redis.cpu)} (the reading Node process is the 'generator')`,
    });
  }
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

/**
 * The Redis ceiling: ZRANGEBYSCORE of one week from per-user sorted sets shaped like the views'
 * (1,000 users, 100 members each over 5 weeks, ~20 per week), from one ioredis connection with
 * `concurrency` commands in flight, as the query API's one connection carries its reads.
 */
async function rawRangeReads(url: string, concurrency: number, durationMs: number) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const users = 1000;
  const week = 7 * 86_400_000;
  const start = Date.parse('2030-06-03T00:00:00Z');
  const key = (u: number) => `bench:zrange:{${u}}`;
  try {
    for (let u = 0; u < users; u += 100) {
      const fill = redis.pipeline();
      for (let k = u; k < u + 100; k++) {
        const args: (string | number)[] = [];
        for (let m = 0; m < 100; m++) args.push(start + Math.floor((m / 100) * 5 * week), `00000000-0000-4000-8000-${String(k * 1000 + m).padStart(12, '0')}`);
        fill.zadd(key(k), ...args);
      }
      await fill.exec();
    }
    let members = 0;
    const run = await closedLoop(concurrency, durationMs, async (i) => {
      const from = start + (i % 4) * week;
      const got = await redis.zrangebyscore(key((i * 7919) % users), from, `(${from + week}`);
      members += got.length; // after the await: `members += await …` would read members before it
    });
    return { ...run, membersPerRead: Math.round((members / Math.max(1, run.ok)) * 10) / 10 };
  } finally {
    const keys = Array.from({ length: users }, (_, u) => key(u));
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500)).catch(() => undefined);
    redis.disconnect();
  }
}
