import { performance } from 'node:perf_hooks';
import { expandSeries, parseRecurrenceLines, type RecurrenceSeries } from '@datebook/shared-kernel';
import { type BenchContext, WEEK_MONDAY } from '../context';
import { addDays, appendRows, type BenchUser, berlinSummer, makeUsers } from '../fixtures';
import { type RequestSpec, saturate, sequential } from '../loadGenerator';

/**
 * 5. Recurrence. (a) The RFC 5545 expander alone: 10,000 weekly series with 2 EXDATEs each in
 * Europe/Berlin over one month. (b) The week view of a user with 200 recurring series beside the
 * week view of a user with 200 single events, sequential requests on one connection.
 */
export async function recurrenceSection(ctx: BenchContext): Promise<void> {
  await expansion(ctx);
  await seriesWeekView(ctx);
}

async function expansion(ctx: BenchContext): Promise<void> {
  const count = 10_000;
  const byDay = ['MO', 'TU,TH', 'MO,WE,FR', 'WE', 'FR'];
  const series: RecurrenceSeries[] = [];
  for (let i = 0; i < count; i++) {
    const day = addDays('2030-01-07', i % 5); // Monday…Friday, months before the window
    const hour = String(8 + (i % 10)).padStart(2, '0');
    const lines = [`RRULE:FREQ=WEEKLY;BYDAY=${byDay[i % byDay.length]}`, `EXDATE;TZID=Europe/Berlin:20300610T${hour}0000,20300617T${hour}0000`];
    const parsed = parseRecurrenceLines(lines, 'Europe/Berlin');
    series.push({ timeZone: 'Europe/Berlin', dtstart: `${day}T${hour}:00:00`, rdates: parsed.rdates, exdates: parsed.exdates, ...(parsed.rrule ? { rrule: parsed.rrule } : {}) });
  }
  const window = { from: berlinSummer('2030-06-01', 0), to: berlinSummer('2030-07-01', 0) };
  const passOnce = () => series.reduce((n, s) => n + expandSeries(s, window).occurrences.length, 0);
  passOnce(); // warm-up: JIT and the zone caches
  let passes = 0;
  let occurrences = 0;
  const t0 = performance.now();
  const budget = ctx.pick(3000, 800);
  while (passes < 50 && (passes === 0 || performance.now() - t0 < budget)) {
    occurrences += passOnce();
    passes += 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = Math.round(occurrences / seconds);
  ctx.details.recurrenceExpansion = { series: count, passes, occurrencesPerPass: occurrences / passes, seconds, occurrencesPerSecond: perSecond, seriesPerSecond: Math.round((count * passes) / seconds) };
  ctx.figures.push({
    section: 'recurrence', figure: `expandSeries: ${count.toLocaleString('en-US')} weekly series, 2 EXDATEs, Berlin, 1 month`, value: perSecond, unit: 'occurrences/s',
    notes: `${occurrences / passes} occurrences per pass, ${Math.round((seconds / passes) * 1000)} ms per pass of 10k series (${Math.round((count * passes) / seconds).toLocaleString('en-US')} series/s), one core of the bench process`,
  });
}

async function seriesWeekView(ctx: BenchContext): Promise<void> {
  // Two users, created in the store; their events go through POST /events like any client's.
  const { users, rows } = makeUsers(2, 'recur', 'Europe/Berlin', ctx.tokens);
  await ctx.system.waitUntilProjected((await appendRows(ctx.pool, rows)).tail, 60_000);
  const [recurUser, singleUser] = users as [BenchUser, BenchUser];

  const rules = ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR', 'RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY;BYDAY=TU,TH', 'RRULE:FREQ=DAILY;INTERVAL=2', 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20301231T000000Z', 'RRULE:FREQ=DAILY;COUNT=400'];
  const seriesBody = (i: number): RequestSpec => {
    const hour = String(7 + (i % 12)).padStart(2, '0');
    const day = addDays('2030-01-07', i % 5);
    return {
      method: 'POST', path: '/events', headers: recurUser.auth,
      body: JSON.stringify({
        title: `Series ${i}`, startTime: `${day}T${hour}:00`, endTime: `${day}T${hour}:30`, timeZone: 'Europe/Berlin',
        recurrence: [rules[i % rules.length], ...(i % 3 === 0 ? [`EXDATE;TZID=Europe/Berlin:${WEEK_MONDAY.replaceAll('-', '')}T${hour}0000`] : [])],
      }),
    };
  };
  const singleBody = (i: number): RequestSpec => {
    const start = berlinSummer(addDays(WEEK_MONDAY, i % 7), 7 + (i % 12), (i % 4) * 15);
    return {
      method: 'POST', path: '/events', headers: singleUser.auth,
      body: JSON.stringify({ title: `Single ${i}`, startTime: new Date(start).toISOString(), endTime: new Date(start + 1_800_000).toISOString() }),
    };
  };
  for (const make of [seriesBody, singleBody]) {
    const made = await saturate(ctx.system.commands, 8, { request: make, durationMs: 60_000, maxRequests: 200, ok: (s) => s === 201, wantBody: true });
    if (made.ok !== 200) throw new Error(`could not create the 200 events: ${made.firstError}`);
  }
  await ctx.settle('after creating the recurrence users\' events');
  const reads = ctx.system.queries;

  const view = (user: BenchUser): RequestSpec => ({ method: 'GET', path: `/events?view=WEEKLY&date=${WEEK_MONDAY}`, headers: user.auth });
  const sizes: Record<string, number> = {};
  for (const [name, user] of [['recurring', recurUser], ['single', singleUser]] as const) {
    await sequential(reads, { request: () => view(user), durationMs: 10_000, maxRequests: 1, wantBody: true, onResponse: (_i, r) => {
      sizes[name] = r.body ? (JSON.parse(r.body.toString()) as { events: unknown[] }).events.length : -1;
    } });
  }
  const n = ctx.pick(2000, 100);
  const runs: Record<string, Awaited<ReturnType<typeof sequential>>> = {};
  for (const [name, user] of [['recurring', recurUser], ['single', singleUser]] as const) {
    // Warm-up; in production the first read also has the query API copy the user's view into Redis.
    await sequential(reads, { request: () => view(user), durationMs: 2000, maxRequests: ctx.pick(200, 50) });
    runs[name] = await sequential(reads, { request: () => view(user), durationMs: ctx.pick(15_000, 3000), maxRequests: n });
  }
  const recur = runs.recurring!;
  const single = runs.single!;
  ctx.details.recurrenceWeekView = { itemsInView: sizes, recurring: recur, single };
  const latencyRatio = single.latency.p50Ms ? Math.round((recur.latency.p50Ms / single.latency.p50Ms) * 100) / 100 : null;
  ctx.figures.push(
    {
      section: 'recurrence', figure: `week view, 200 recurring series (${sizes.recurring} occurrences) p50`, value: recur.latency.p50Ms, unit: 'ms',
      ceiling: single.latency.p50Ms, ceilingLabel: `p50 ms, 200 singles (${sizes.single} items)`, ratio: latencyRatio, ratioStyle: 'times',
      notes: `p99 ${recur.latency.p99Ms} ms vs ${single.latency.p99Ms} ms for 200 singles; ${recur.ok} + ${single.ok} sequential requests; ratio = recurring p50 / single p50`,
    },
  );
}
