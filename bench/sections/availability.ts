import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type BenchContext, ratio } from '../context';
import { cpuNote, cpuPerOp, type CpuSplit } from '../cpuMeter';
import { addDays, appendRows, type BenchUser, type BookingSpec, berlinSummer, makeUsers, rng, rowsOf, type StoreRow } from '../fixtures';
import { warmViews } from '../warmViews';
import { fixedRate, type RequestSpec, type RunResult, saturate } from '../loadGenerator';

const FIRST_MONDAY = '2030-09-02';
const WEEKS = 8;

/**
 * 6. Availability and free/busy on a large calendar: 10,000 users and 1M calendar events (a tenth of
 * them recurring series), or as many as append and projection manage within the time budget. The
 * events go into `es_events` exactly as the command API writes them (see fixtures.ts), each chunk
 * inside one transaction, so no reader sees any of it until the commit and the time from commit to
 * the system showing the last rows in its read model and views is a clean replay measurement
 * (events/s; in production through relay → Kafka → projector). Then, beside /healthz on the same
 * (now loaded) query-side process: 10-user availability over a week (PATCH /events/availability)
 * and 50-user free/busy over a week (POST /freebusy).
 */
export async function availabilitySection(ctx: BenchContext): Promise<void> {
  const load = await loadLargeCalendar(ctx);
  const users = load.users;
  // What autovacuum would have done to tables that grew over months: statistics, and hint bits and the
  // visibility map set, so the first reads do not pay for the bulk load's dirty pages.
  const vacuumMs = await timed(async () => {
    // One statement per query: VACUUM cannot run inside the implicit transaction of a multi-statement query.
    await ctx.pool.query('vacuum (analyze) rm_events, rm_event_users, rm_users');
    await ctx.pool.query('analyze es_events');
  });
  ctx.log(`large calendar: vacuum (analyze) of the read model took ${Math.round(vacuumMs / 1000)} s`);

  // Busy time is served from the views once a user's view is copied: warm them as a live system's are.
  const served = await warmViews(ctx, users, FIRST_MONDAY);
  ctx.details.availabilityViews = served;
  const servedNote = served === null ? "views in the server's memory" : `${served.complete}/${served.users} users' views complete in Redis`;

  // The ceiling, re-measured on this process now that it holds the large data set.
  const target = ctx.system.queries;
  const hSpec: RequestSpec = { method: 'GET', path: '/healthz' };
  await saturate(target, ctx.concurrency, { request: () => hSpec, durationMs: ctx.pick(1000, 300) });
  const healthz = await saturate(target, ctx.concurrency, { request: () => hSpec, durationMs: ctx.pick(8000, 2000) });

  const random = rng(99);
  const pickUsers = (n: number) => {
    const ids = new Set<string>();
    while (ids.size < n) ids.add(users[Math.floor(random() * users.length)]!.userID);
    return [...ids];
  };
  const weekWindow = () => {
    const monday = addDays(FIRST_MONDAY, 7 * Math.floor(random() * WEEKS));
    return { from: new Date(berlinSummer(monday, 0)).toISOString(), to: new Date(berlinSummer(addDays(monday, 7), 0)).toISOString() };
  };
  const prebuilt = (make: () => RequestSpec) => {
    const specs = Array.from({ length: 2048 }, make);
    return (i: number) => specs[i % specs.length]!;
  };
  const asker = () => users[Math.floor(random() * users.length)]!;
  const availability = prebuilt(() => {
    const w = weekWindow();
    return { method: 'PATCH', path: '/events/availability', headers: asker().auth, body: JSON.stringify({ userIDs: pickUsers(10), startTime: w.from, endTime: w.to }) };
  });
  const freeBusy = prebuilt(() => {
    const w = weekWindow();
    return { method: 'POST', path: '/freebusy', headers: asker().auth, body: JSON.stringify({ userIDs: pickUsers(50), from: w.from, to: w.to }) };
  });

  const avail = await measureEndpoint(ctx, 'availability', availability, 1000, healthz);
  ctx.figures.push(
    {
      section: 'availability', figure: `availability, 10 users × 1 week, saturation`, value: avail.sat.throughput, unit: 'req/s',
      ceiling: healthz.throughput, ceilingLabel: `/healthz req/s, ${target.name}, loaded`, ratio: ratio(avail.sat.throughput, healthz.throughput),
      target: '≥ 40% of /healthz', pass: (ratio(avail.sat.throughput, healthz.throughput) ?? 0) >= 0.4,
      notes: `p50 ${avail.sat.latency.p50Ms} / p99 ${avail.sat.latency.p99Ms} ms; ${servedNote}; errors ${avail.sat.errors}; ${avail.satCpu}`,
    },
    {
      section: 'availability', figure: `availability p99 at steady ${avail.rate} req/s`, value: avail.steady.latency.p99Ms, unit: 'ms',
      target: 'p99 < 5 ms at 1,000 req/s', pass: avail.rate >= 1000 && avail.steady.dropped === 0 ? avail.steady.latency.p99Ms < 5 : false,
      notes: `p50 ${avail.steady.latency.p50Ms} ms; achieved ${avail.steady.throughput} req/s, dropped ${avail.steady.dropped}, errors ${avail.steady.errors}; ${avail.steadyCpu}${avail.rate < 1000 ? '; 1,000 req/s exceeds saturation here' : ''}`,
    },
  );

  // Free/busy exists only once its route is there; ask the OpenAPI document, then probe.
  const { paths } = JSON.parse((await fetch(`http://${target.host}:${target.port}/openapi.json`).then((r) => r.text())) || '{}') as { paths?: Record<string, unknown> };
  const probe = await saturate(target, 1, { request: freeBusy, durationMs: 5000, maxRequests: 1, wantBody: true });
  if (!paths?.['/freebusy'] || probe.statuses['404'] || probe.ok === 0) {
    const why = !paths?.['/freebusy'] ? 'POST /freebusy is not in /openapi.json' : `probe answered ${JSON.stringify(probe.statuses)} ${probe.firstError ?? ''}`;
    ctx.details.freeBusy = { skipped: why };
    ctx.figures.push({ section: 'availability', figure: 'free/busy, 50 users × 1 week: SKIPPED', value: null, unit: '', target: 'p99 < 20 ms at 200 req/s', pass: null, notes: why });
  } else {
    const fb = await measureEndpoint(ctx, 'freeBusy', freeBusy, 200, healthz);
    ctx.figures.push(
      {
        section: 'availability', figure: `free/busy, 50 users × 1 week, saturation`, value: fb.sat.throughput, unit: 'req/s',
        ceiling: healthz.throughput, ceilingLabel: `/healthz req/s, ${target.name}`, ratio: ratio(fb.sat.throughput, healthz.throughput),
        target: '≥ 10% of /healthz', pass: (ratio(fb.sat.throughput, healthz.throughput) ?? 0) >= 0.1,
        notes: `p50 ${fb.sat.latency.p50Ms} / p99 ${fb.sat.latency.p99Ms} ms; errors ${fb.sat.errors}; ${fb.satCpu}`,
      },
      {
        section: 'availability', figure: `free/busy p99 at steady ${fb.rate} req/s`, value: fb.steady.latency.p99Ms, unit: 'ms',
        target: 'p99 < 20 ms at 200 req/s', pass: fb.rate >= 200 && fb.steady.dropped === 0 ? fb.steady.latency.p99Ms < 20 : false,
        notes: `p50 ${fb.steady.latency.p50Ms} ms; achieved ${fb.steady.throughput} req/s, dropped ${fb.steady.dropped}, errors ${fb.steady.errors}; ${fb.steadyCpu}`,
      },
    );
  }
  ctx.details.availabilityHealthz = healthz;
}

async function measureEndpoint(ctx: BenchContext, name: string, request: (i: number) => RequestSpec, targetRate: number, healthz: RunResult) {
  const target = ctx.system.queries;
  const first = await saturate(target, 1, { request, durationMs: 5000, maxRequests: 1, wantBody: true });
  if (first.ok === 0) throw new Error(`${name} failed: ${first.firstError}`);
  await saturate(target, ctx.concurrency, { request, durationMs: ctx.pick(2000, 500) }); // warm-up
  const sat = await ctx.measure(target, () => saturate(target, ctx.concurrency, { request, durationMs: ctx.pick(10_000, 2000) }));
  // The asked steady rate, or 80% of saturation when the box cannot hold it.
  const rate = Math.min(targetRate, Math.max(10, Math.floor((sat.result.throughput * 0.8) / 10) * 10));
  const steady = await ctx.measure(target, () => fixedRate(target, rate, { request, durationMs: ctx.pick(10_000, 2000) }));
  ctx.details[name] = { healthz: healthz.throughput, saturation: { ...sat.result, cpu: sat.cpu }, steady: { ...steady.result, cpu: steady.cpu } };
  return { sat: sat.result, steady: steady.result, rate, satCpu: `${cpuNote(sat.cpu)}; ${cpuPerOp(sat.cpu, sat.result.throughput).note}`, steadyCpu: `${cpuNote(steady.cpu)}; ${cpuPerOp(steady.cpu, steady.result.throughput).note}` };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** Share of the large load's calendar events that are recurring series. */
const RECURRING_SHARE = 0.1;

/** A series over the 8 measured weeks: weekly or every weekday, ended by COUNT or UNTIL. */
function seriesRule(random: () => number): string {
  const pick = Math.floor(random() * 4);
  if (pick === 0) return `RRULE:FREQ=WEEKLY;COUNT=${4 + Math.floor(random() * 9)}`;
  if (pick === 1) return `RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=${5 + Math.floor(random() * 16)}`;
  if (pick === 2) return `RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=${3 + Math.floor(random() * 4)}`;
  return 'RRULE:FREQ=WEEKLY;UNTIL=20301101T000000Z';
}

/**
 * Calendar events spread over 8 weeks of working hours (series may start two weeks earlier): a
 * random host, and a quarter of them invite 1–3 others (≈1.5 store events per calendar event).
 */
function* spreadBookings(users: BenchUser[], count: number, random: () => number, counter: { series: number }): Generator<BookingSpec> {
  for (let n = 0; n < count; n++) {
    const host = users[Math.floor(random() * users.length)]!;
    const recurring = random() < RECURRING_SHARE;
    const firstWeek = recurring ? Math.floor(random() * (WEEKS + 2)) - 2 : Math.floor(random() * WEEKS);
    const day = addDays(FIRST_MONDAY, firstWeek * 7 + Math.floor(random() * 5));
    const start = berlinSummer(day, 8 + Math.floor(random() * 10), 15 * Math.floor(random() * 4));
    const invitees: string[] = [];
    if (random() < 0.25) {
      const want = 1 + Math.floor(random() * 3);
      while (invitees.length < want) {
        const other = users[Math.floor(random() * users.length)]!.userID;
        if (other !== host.userID && !invitees.includes(other)) invitees.push(other);
      }
    }
    if (recurring) counter.series += 1;
    yield {
      eventID: randomUUID(), hostID: host.userID, title: recurring ? `Series ${n}` : `Meeting ${n}`, startTime: new Date(start).toISOString(),
      endTime: new Date(start + (30 + 30 * Math.floor(random() * 3)) * 60_000).toISOString(), timeZone: 'Europe/Berlin', invitees,
      ...(recurring ? { recurrence: [seriesRule(random)] } : {}),
    };
  }
}

interface Chunk {
  calendarEvents: number;
  series: number;
  rows: number;
  appendMs: number;
  /** Commit → the system shows the chunk's last rows in its read model and views. */
  projectMs: number;
  /** Where the backlog sat while it projected, every few seconds (which reader is the bottleneck). */
  backlog: { atS: number; events: Record<string, number> }[];
  /** Where the CPU went while it projected. */
  cpu: CpuSplit;
}

/** Appends `rows` in one transaction, then times commit → projected, logging the backlog as it drains. */
async function loadChunk(ctx: BenchContext, name: string, rows: Iterable<StoreRow>, counter: { bookings: number; series: number }): Promise<Chunk> {
  const appended = await appendRows(ctx.pool, rows, { oneTransaction: true, batch: 10_000 });
  ctx.log(`${name}: ${appended.rows.toLocaleString('en-US')} store events appended in ${Math.round(appended.ms / 1000)} s; projecting…`);
  const backlog: Chunk['backlog'] = [];
  const t0 = performance.now();
  const timer = setInterval(() => {
    void ctx.system.backlog().then((events) => {
      const atS = Math.round((performance.now() - t0) / 1000);
      backlog.push({ atS, events });
      ctx.log(`${name}: ${atS} s after commit, still to handle: ${JSON.stringify(events)}`);
    }, () => undefined);
  }, ctx.pick(15_000, 5000));
  try {
    const { result: projectMs, cpu } = await ctx.measure(ctx.system.projector, () => ctx.system.waitUntilProjected(appended.tail, 1_800_000));
    return { calendarEvents: counter.bookings, series: counter.series, rows: appended.rows, appendMs: appended.ms, projectMs, backlog, cpu };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Loads the large calendar chunk by chunk, each chunk timed from its commit to its last rows being
 * visible. The next chunk goes in only if, at the pace of the one before (which tracks the projection
 * slowing down as the read model grows), it still fits the budget.
 */
async function loadLargeCalendar(ctx: BenchContext): Promise<{ users: BenchUser[] }> {
  const userCount = ctx.pick(10_000, 1000);
  const goal = ctx.pick(1_000_000, 20_000); // calendar events
  const chunkSize = ctx.pick(150_000, 4000);
  const budgetMs = Number(process.env.BENCH_LOAD_BUDGET_S ?? ctx.pick(480, 15)) * 1000; // append + projection, all chunks
  const random = rng(7);
  const t0 = performance.now();
  // The notifier would spend many minutes on a million fixture events (recording, as stale, every
  // invitation); nothing measured after this needs it (the notifier section runs its own).
  if (ctx.system.stopNotifier) {
    await ctx.system.stopNotifier();
    ctx.log('large calendar: the stack\'s notifier is stopped for the rest of the run');
  }

  const { users, rows: userRows } = makeUsers(userCount, 'avail', 'Europe/Berlin', ctx.tokens);
  const chunks: Chunk[] = [];
  let loaded = 0;
  let stopReason = '';
  while (loaded < goal) {
    const count = Math.min(chunkSize, goal - loaded);
    const last = chunks.at(-1);
    if (last) {
      const msPerEvent = (last.appendMs + last.projectMs) / last.calendarEvents;
      const left = budgetMs - (performance.now() - t0);
      if (count * msPerEvent > left) {
        stopReason = `the next ${count.toLocaleString('en-US')} would take ~${Math.round((count * msPerEvent) / 1000)} s at the last chunk's pace (${Math.round(last.rows / ((last.appendMs + last.projectMs) / 1000)).toLocaleString('en-US')} store events/s, append + projection), ${Math.max(0, Math.round(left / 1000))} s of the ${budgetMs / 1000} s budget were left`;
        break;
      }
    }
    const counter = { bookings: 0, rows: 0, series: 0 };
    const rows = rowsOf(spreadBookings(users, count, random, counter), counter);
    chunks.push(await loadChunk(ctx, `large calendar, chunk ${chunks.length + 1}`, chunks.length === 0 ? (function* () {
      yield* userRows;
      yield* rows;
    })() : rows, counter));
    loaded += count;
  }
  const totalBookings = chunks.reduce((n, c) => n + c.calendarEvents, 0);
  const totalSeries = chunks.reduce((n, c) => n + c.series, 0);
  const totalRows = chunks.reduce((n, c) => n + c.rows, 0);
  const projectMs = chunks.reduce((ms, c) => ms + c.projectMs, 0);
  const replayRate = Math.round(totalRows / (projectMs / 1000));
  const rateOf = (c: Chunk) => Math.round(c.rows / (c.projectMs / 1000)).toLocaleString('en-US');
  const appendRate = Math.round(totalRows / (chunks.reduce((ms, c) => ms + c.appendMs, 0) / 1000));
  const loadS = Math.round((performance.now() - t0) / 1000);
  const short = stopReason ? `; stopped at ${totalBookings.toLocaleString('en-US')} of the ${goal.toLocaleString('en-US')} goal: ${stopReason}` : '';
  ctx.details.largeCalendar = {
    users: userCount, calendarEvents: totalBookings, recurringSeries: totalSeries, storeEvents: totalRows, goalCalendarEvents: goal, budgetS: budgetMs / 1000,
    ...(stopReason ? { stoppedBecause: stopReason } : {}), loadSeconds: loadS, appendRowsPerS: appendRate, replayEventsPerS: replayRate,
    notifierStopped: Boolean(ctx.system.stopNotifier),
    chunks: chunks.map((c) => ({ ...c, appendMs: Math.round(c.appendMs), projectMs: Math.round(c.projectMs) })),
  };
  ctx.log(`large calendar: ${userCount} users, ${totalBookings} calendar events (${totalSeries} series; ${totalRows} store events) in ${loadS} s; replay ${replayRate} events/s${short}`);
  const via = ctx.system.profile === 'production' ? 'relay → Kafka → projector builds read model + Redis views' : 'in-process projector builds read model + views';
  const heaviest = chunks.reduce((a, b) => (b.projectMs > a.projectMs ? b : a));
  ctx.figures.push({
    section: 'availability', figure: `replay: ${via}`, value: replayRate, unit: 'events/s',
    target: '≥ 10,000 events/s', pass: replayRate >= 10_000,
    notes: `${totalRows.toLocaleString('en-US')} store events in ${chunks.length} chunk(s), commit → last rows visible in ${Math.round(projectMs / 1000)} s in all (chunk rates ${chunks.map(rateOf).join(', ')} events/s); data set: ${userCount.toLocaleString('en-US')} users, ${totalBookings.toLocaleString('en-US')} calendar events of which ${totalSeries.toLocaleString('en-US')} recurring series (goal ${goal.toLocaleString('en-US')}, budget ${budgetMs / 1000} s${short}); SQL append ${appendRate.toLocaleString('en-US')} rows/s; longest chunk: ${cpuNote(heaviest.cpu)}`,
  });
  return { users };
}
