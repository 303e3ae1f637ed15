import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { type BenchContext, ratio } from '../context';
import { type CpuSplit, cpuNote, startCpuMeter } from '../cpuMeter';
import { appendRows, makeUsers, rng } from '../fixtures';
import { fixedRate, type RequestSpec, type Response, type RunResult, saturate, send, type Target } from '../loadGenerator';
import type { MeteredProcess } from '../profiles/benchSystem';
import { type RadicaleServer, startRadicale } from '../radicale';

/**
 * 9. CalDAV beside Radicale, the server people would otherwise run. One calendar of 10,000 events (quick:
 * 2,000; single events over four years, weekly series, all-day events, all in Europe/Berlin) goes into both:
 * Datebook imports it as one .ics file (POST /calendars/:id/import: the import rate is a figure), Radicale
 * finds it in its storage folder (one .ics per event, indexed by its first read). Then, side by side (Datebook
 * at the bench's concurrency, Radicale at its best, see sideBySide): REPORT calendar-query of one week (getetag
 * + calendar-data) and REPORT sync-collection with one change since the token (getetag), Datebook's query side
 * ≥ 10× Radicale on each; the
 * sync-collection p99 at a tenth of Datebook's saturation (< 10 ms); and a secret feed's 304 path (GET
 * /feeds/<token>.ics with If-None-Match) against /healthz on the same process (≥ 50%).
 */
export async function caldavSection(ctx: BenchContext): Promise<void> {
  const size = ctx.pick(10_000, 2_000);
  const calendar = benchCalendar(size, 14);
  const { users, rows } = makeUsers(1, 'caldav', 'Europe/Berlin', ctx.tokens);
  const owner = users[0]!;
  const appended = await appendRows(ctx.pool, rows, { oneTransaction: true });
  await ctx.system.waitUntilProjected(appended.tail, 60_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let radicale: RadicaleServer | undefined;
  try {
    ctx.figures.push(await importCalendar(ctx, agent, owner.userID, owner.auth, calendar));
    const radicaleStart = performance.now();
    radicale = await startRadicale({ objects: calendar.events.map((e) => [`${e.name}.ics`, e.object] as [string, string]) });
    const datebook: DavServer = {
      name: 'Datebook', target: ctx.system.queries, writes: ctx.system.commands, collectionPath: `/dav/calendars/${owner.userID}/`,
      authorization: owner.auth.authorization!, hrefOf: (e) => `/dav/calendars/${owner.userID}/${encodeURIComponent(e.uid)}.ics`,
    };
    const peer: DavServer = { name: 'Radicale', target: radicale, writes: radicale, collectionPath: radicale.collectionPath, authorization: radicale.authorization, hrefOf: (e) => radicale!.hrefOf(`${e.name}.ics`) };
    // Radicale's first read parses every item of the collection and caches it: its indexing, timed apart.
    const indexing = await call(agent, peer.target, weekQuery(peer, calendar), 207, 300_000);
    const radicaleReadyMs = Math.round(performance.now() - radicaleStart);
    const first = await call(agent, datebook.target, weekQuery(datebook, calendar), 207);
    const answers = { datebook: responseCount(first.body), radicale: responseCount(indexing.body) };
    ctx.log(`caldav: ${size} events in both; Radicale ready (folder written, first read indexed it) in ${radicaleReadyMs} ms; the week holds ${answers.datebook} (Datebook) / ${answers.radicale} (Radicale) resources`);

    await weekQueryFigures(ctx, datebook, peer, radicale, calendar, answers, `its first read of the collection (indexing ${size} files) took ${Math.round(indexing.ms)} ms`);
    await syncFigures(ctx, agent, datebook, peer, radicale, calendar);
    await feedFigure(ctx, agent, owner.userID, owner.auth);
    ctx.details.caldav = { ...(ctx.details.caldav as object), events: size, radicaleReadyMs, weekAnswers: answers };
  } finally {
    agent.destroy();
    await radicale?.stop();
  }
}

/** One of the two servers as the section drives it. */
interface DavServer {
  name: string;
  /** Where reads go (Datebook: the query side's process). */
  target: Target & MeteredProcess;
  /** Where writes go (Datebook: the command side's process). */
  writes: Target & MeteredProcess;
  collectionPath: string;
  authorization: string;
  hrefOf(event: BenchEvent): string;
}

// ---------------------------------------------------------------------------------------------------------
// The calendar

interface BenchEvent {
  uid: string;
  /** Its resource name in Radicale's folder. */
  name: string;
  /** The VEVENT lines (without VCALENDAR or VTIMEZONE). */
  lines: string[];
  /** The event as one calendar object resource (RFC 4791 §4.1): VCALENDAR, VTIMEZONE, VEVENT. */
  object: string;
}

interface BenchCalendar {
  events: BenchEvent[];
  /** The whole calendar as one file, as an export from another calendar app would be. */
  file: string;
  /** The measured week, Monday to Monday in Berlin (winter time), as UTC time-range values (RFC 4791 §9.9). */
  week: { start: string; end: string };
}

const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];
const PRODID = 'PRODID:-//Datebook//bench caldav//EN';
const calendarOf = (events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', PRODID, ...BERLIN_VTIMEZONE, ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');

const pad = (n: number) => String(n).padStart(2, '0');
/** Local date-time in RFC 5545 basic form (19980118T073000). */
const local = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;
const date = (d: Date) => local(d).slice(0, 8);

/**
 * `size` events over 2027–2030 in Europe/Berlin: 2% weekly series of 26 occurrences, 3% all-day events
 * (1–3 days), the rest single events of 30–120 minutes in working hours, some with a place and a note.
 */
function benchCalendar(size: number, seed: number): BenchCalendar {
  const random = rng(seed);
  const first = Date.UTC(2027, 0, 4); // a Monday
  const days = 4 * 364;
  const events: BenchEvent[] = [];
  for (let i = 0; i < size; i++) {
    const uid = `bench-${i}@caldav.bench.example`;
    const day = new Date(first + Math.floor(random() * days) * 86_400_000);
    const kind = random();
    const lines = ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `SUMMARY:Bench event ${i}`];
    if (kind < 0.03) {
      const end = new Date(day.getTime() + (1 + Math.floor(random() * 3)) * 86_400_000);
      lines.push(`DTSTART;VALUE=DATE:${date(day)}`, `DTEND;VALUE=DATE:${date(end)}`, 'TRANSP:TRANSPARENT');
    } else {
      const start = new Date(day.getTime() + (8 + Math.floor(random() * 10)) * 3_600_000 + Math.floor(random() * 4) * 15 * 60_000);
      const end = new Date(start.getTime() + (30 + 30 * Math.floor(random() * 4)) * 60_000);
      lines.push(`DTSTART;TZID=Europe/Berlin:${local(start)}`, `DTEND;TZID=Europe/Berlin:${local(end)}`);
      if (kind < 0.05) lines.push('RRULE:FREQ=WEEKLY;COUNT=26');
      if (random() < 0.3) lines.push(`LOCATION:Room ${1 + Math.floor(random() * 20)}`);
      if (random() < 0.2) lines.push(`DESCRIPTION:Agenda item ${i}\\, see the notes`);
    }
    lines.push('END:VEVENT');
    events.push({ uid, name: `bench-${i}`, lines, object: calendarOf([lines]) });
  }
  // Week 10 of 2029: before the change to summer time (25 March), so Monday 00:00 Berlin = Sunday 23:00 UTC.
  return { events, file: calendarOf(events.map((e) => e.lines)), week: { start: '20290304T230000Z', end: '20290311T230000Z' } };
}

// ---------------------------------------------------------------------------------------------------------
// Requests

const XML = 'application/xml; charset=utf-8';

function weekQuery(server: DavServer, calendar: BenchCalendar): RequestSpec {
  return {
    method: 'REPORT', path: server.collectionPath, headers: { authorization: server.authorization, depth: '1', 'content-type': XML },
    body: '<?xml version="1.0" encoding="utf-8"?>'
      + '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>'
      + `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${calendar.week.start}" end="${calendar.week.end}"/></C:comp-filter></C:comp-filter></C:filter>`
      + '</C:calendar-query>',
  };
}

function syncReport(server: DavServer, token: string): RequestSpec {
  const escaped = token.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return {
    method: 'REPORT', path: server.collectionPath, headers: { authorization: server.authorization, depth: '0', 'content-type': XML },
    body: '<?xml version="1.0" encoding="utf-8"?>'
      + `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${escaped}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`,
  };
}

/** One request that must answer `status`; the answer with its body, or an error naming the request and the answer. */
async function call(agent: http.Agent, target: Target, spec: RequestSpec, status: number | number[], timeoutMs = 60_000): Promise<Response & { ms: number }> {
  const t0 = performance.now();
  const res = await send(agent, target, spec, true, timeoutMs);
  const wanted = Array.isArray(status) ? status : [status];
  if (!wanted.includes(res.status)) {
    throw new Error(`${spec.method} ${spec.path} on ${target.port} answered ${res.status}, not ${wanted.join('/')}: ${res.body?.toString('utf8').slice(0, 1500)}`);
  }
  return { ...res, ms: performance.now() - t0 };
}

/** The <response> elements of a multistatus (RFC 4918 §14.16), whatever the namespace prefix. */
const responseCount = (body: Buffer | undefined) => (body?.toString('utf8').match(/<(?:[\w-]+:)?response[\s>]/g) ?? []).length;
const syncTokenOf = (body: Buffer | undefined) => /<(?:[\w-]+:)?sync-token>([^<]+)<\/(?:[\w-]+:)?sync-token>/.exec(body?.toString('utf8') ?? '')?.[1]?.replace(/&amp;/g, '&');

// ---------------------------------------------------------------------------------------------------------
// Figures

/** A closed-loop run at `concurrency` with where the CPU went, Radicale's process counted as the measured one when it is the target. */
async function measured(ctx: BenchContext, target: Target & MeteredProcess, work: () => Promise<RunResult>): Promise<{ result: RunResult; cpu: CpuSplit }> {
  const isSystem = ctx.system.cpu.processes().some((p) => p.pid === target.pid);
  if (isSystem) return ctx.measure(target, work);
  const stop = await startCpuMeter(target, { ...ctx.system.cpu, processes: () => [...ctx.system.cpu.processes(), { name: target.name, pid: target.pid }] });
  const result = await work();
  return { result, cpu: await stop() };
}

/**
 * Both servers at saturation on the same request. Radicale answers one request at a time (its Python
 * threads share one interpreter lock), so more connections only queue in front of it, and a slow answer
 * bounds how many may be in flight for the run to end on time (as many as finish within about two seconds).
 * It is measured on one connection and on that many, and credited with the better of the two: the peer's
 * best, not its worst; both are printed.
 */
async function sideBySide(ctx: BenchContext, datebook: DavServer, peer: DavServer, datebookRequest: (i: number) => RequestSpec, peerRequest: (i: number) => RequestSpec) {
  const ok = (s: number) => s === 207;
  const durationMs = ctx.pick(10_000, 2000);
  await saturate(datebook.target, ctx.concurrency, { request: datebookRequest, durationMs: ctx.pick(2000, 500), ok }); // warm-up
  await ctx.settle(`before ${datebook.name}'s run`);
  const ours = await measured(ctx, datebook.target, () => saturate(datebook.target, ctx.concurrency, { request: datebookRequest, durationMs, ok }));
  const probe = await saturate(peer.target, 1, { request: peerRequest, durationMs: 60_000, maxRequests: 3, ok, timeoutMs: 120_000 });
  if (probe.ok === 0) throw new Error(`${peer.name} failed the request: ${probe.firstError}`);
  const concurrencies = [...new Set([1, Math.max(1, Math.min(ctx.concurrency, Math.floor(2000 / Math.max(1, probe.latency.p50Ms))))])];
  const peerRuns: { concurrency: number; run: { result: RunResult; cpu: CpuSplit } }[] = [];
  for (const concurrency of concurrencies) {
    const run = await measured(ctx, peer.target, () => saturate(peer.target, concurrency, { request: peerRequest, durationMs: Math.max(durationMs, 3 * probe.latency.p50Ms), ok, timeoutMs: 120_000 }));
    peerRuns.push({ concurrency, run });
  }
  const best = peerRuns.reduce((a, b) => (b.run.result.throughput > a.run.result.throughput ? b : a));
  return { ours, theirs: best.run, peerConcurrency: best.concurrency, peerRuns, probe };
}

async function weekQueryFigures(ctx: BenchContext, datebook: DavServer, peer: DavServer, radicale: RadicaleServer, calendar: BenchCalendar, answers: { datebook: number; radicale: number }, peerNote: string) {
  const ours = weekQuery(datebook, calendar);
  const theirs = weekQuery(peer, calendar);
  const run = await sideBySide(ctx, datebook, peer, () => ours, () => theirs);
  if (run.ours.result.ok === 0) throw new Error(`calendar-query failed on Datebook: ${run.ours.result.firstError}`);
  pushSideBySide(ctx, `REPORT calendar-query, one week (${answers.datebook} resources; Radicale ${answers.radicale}) with calendar-data`, datebook, peer, run, radicale, peerNote);
  ctx.details.caldav = { ...(ctx.details.caldav as object), calendarQuery: { datebook: { ...run.ours.result, cpu: run.ours.cpu }, radicale: { ...run.theirs.result, cpu: run.theirs.cpu, concurrency: run.peerConcurrency, byConcurrency: run.peerRuns.map((r) => ({ concurrency: r.concurrency, throughput: r.run.result.throughput })) } } };
}

function pushSideBySide(ctx: BenchContext, what: string, datebook: DavServer, peer: DavServer, run: Awaited<ReturnType<typeof sideBySide>>, radicale: RadicaleServer, peerNote?: string) {
  const { ours, theirs } = run;
  const times = theirs.result.throughput > 0 ? Math.round((ours.result.throughput / theirs.result.throughput) * 10) / 10 : null;
  ctx.figures.push(
    {
      section: 'caldav', figure: `${what} on ${datebook.target.name}, saturation (${ctx.concurrency} conns)`, value: ours.result.throughput, unit: 'req/s',
      ceiling: theirs.result.throughput, ceilingLabel: `Radicale req/s, ${run.peerConcurrency} conn${run.peerConcurrency > 1 ? 's' : ''}`, ratio: times, ratioStyle: 'times', target: '≥ 10× Radicale', pass: times === null ? null : times >= 10,
      notes: `p50 ${ours.result.latency.p50Ms} / p99 ${ours.result.latency.p99Ms} ms; errors ${ours.result.errors} ${JSON.stringify(ours.result.statuses)}${ours.result.firstError ? ` (${ours.result.firstError.slice(0, 200)})` : ''}; ${cpuNote(ours.cpu)}`,
    },
    {
      section: 'caldav', figure: `  the same on ${peer.name} (Debian's radicale, multifilesystem storage)`, value: theirs.result.throughput, unit: 'req/s', target: 'peer',
      notes: `best of ${run.peerRuns.map((r) => `${r.run.result.throughput} req/s on ${r.concurrency} conn${r.concurrency > 1 ? 's' : ''}`).join(', ')}; one answer alone took ${run.probe.latency.p50Ms} ms; at ${run.peerConcurrency}: p50 ${theirs.result.latency.p50Ms} / p99 ${theirs.result.latency.p99Ms} ms; errors ${theirs.result.errors} ${JSON.stringify(theirs.result.statuses)}${theirs.result.firstError ? ` (${theirs.result.firstError.slice(0, 200)})` : ''}; ${cpuNote(theirs.cpu)}${peerNote ? `; ${peerNote}` : ''}${theirs.result.errors ? `; Radicale's log: ${radicale.log().slice(-300)}` : ''}`,
    },
  );
}

/** The same one event changed on both servers (a PUT of its new text), then sync-collection from the token before the change. */
async function syncFigures(ctx: BenchContext, agent: http.Agent, datebook: DavServer, peer: DavServer, radicale: RadicaleServer, calendar: BenchCalendar) {
  const changed = calendar.events[Math.floor(calendar.events.length / 2)]!;
  const changedObject = calendarOf([changed.lines.map((l) => (l.startsWith('SUMMARY:') ? 'SUMMARY:Changed for the sync figure' : l))]);
  const tokens: Record<string, string> = {};
  for (const server of [datebook, peer]) {
    const initial = await call(agent, server.target, syncReport(server, ''), 207, 300_000);
    const token = syncTokenOf(initial.body);
    if (!token) throw new Error(`${server.name}'s initial sync-collection has no sync-token: ${initial.body?.toString('utf8').slice(0, 500)}`);
    tokens[server.name] = token;
    await call(agent, server.writes, { method: 'PUT', path: server.hrefOf(changed), headers: { authorization: server.authorization, 'content-type': 'text/calendar; charset=utf-8' }, body: changedObject }, [200, 201, 204]);
  }
  // Datebook's reads see the change once it is projected: wait for that, then check that each answer is the one change.
  await ctx.settle('after the change for the sync figure');
  const ours = syncReport(datebook, tokens[datebook.name]!);
  const theirs = syncReport(peer, tokens[peer.name]!);
  for (const [server, spec] of [[datebook, ours], [peer, theirs]] as const) {
    const answer = await call(agent, server.target, spec, 207);
    if (responseCount(answer.body) !== 1) throw new Error(`${server.name}'s sync-collection since the token before one change reports ${responseCount(answer.body)} resources, not 1: ${answer.body?.toString('utf8').slice(0, 1500)}`);
  }

  const run = await sideBySide(ctx, datebook, peer, () => ours, () => theirs);
  if (run.ours.result.ok === 0) throw new Error(`sync-collection failed on Datebook: ${run.ours.result.firstError}`);
  pushSideBySide(ctx, 'REPORT sync-collection, one change since the token (getetag)', datebook, peer, run, radicale);

  // Latency at a tenth of Datebook's saturation: what a client's sync sees on a server that is not busy.
  const rate = Math.max(10, Math.round(run.ours.result.throughput / 10));
  const steady = await ctx.measure(datebook.target, () => fixedRate(datebook.target, rate, { request: () => ours, durationMs: ctx.pick(10_000, 2000), ok: (s) => s === 207 }));
  ctx.figures.push({
    section: 'caldav', figure: `REPORT sync-collection p99 at ${rate} req/s (a tenth of saturation) on ${datebook.target.name}`, value: steady.result.latency.p99Ms, unit: 'ms',
    target: 'p99 < 10 ms', pass: steady.result.dropped === 0 && steady.result.errors === 0 ? steady.result.latency.p99Ms < 10 : false,
    notes: `p50 ${steady.result.latency.p50Ms} ms (service p50 ${steady.result.serviceLatency?.p50Ms} / p99 ${steady.result.serviceLatency?.p99Ms}); achieved ${steady.result.throughput} req/s, dropped ${steady.result.dropped}, errors ${steady.result.errors}; ${cpuNote(steady.cpu)}`,
  });
  ctx.details.caldav = {
    ...(ctx.details.caldav as object),
    syncCollection: { datebook: { ...run.ours.result, cpu: run.ours.cpu }, radicale: { ...run.theirs.result, cpu: run.theirs.cpu, concurrency: run.peerConcurrency, byConcurrency: run.peerRuns.map((r) => ({ concurrency: r.concurrency, throughput: r.run.result.throughput })) }, steady: { ...steady.result, cpu: steady.cpu } },
  };
}

/** A secret feed of the calendar: GET with the ETag it answered, at saturation, against /healthz on the same process. */
async function feedFigure(ctx: BenchContext, agent: http.Agent, calendarID: string, auth: Record<string, string>) {
  const created = await call(agent, ctx.system.commands, { method: 'POST', path: `/calendars/${calendarID}/feeds`, headers: auth, body: '{}' }, 201);
  const url = (JSON.parse(created.body!.toString('utf8')) as { url: string }).url;
  const path = new URL(url).pathname;
  // The load generator's answers carry no headers: the first GET, whose ETag is wanted, goes through fetch.
  const t0 = performance.now();
  const fullAnswer = await fetch(`http://${ctx.system.queries.host}:${ctx.system.queries.port}${path}`, { signal: AbortSignal.timeout(120_000) });
  const full = { body: Buffer.from(await fullAnswer.arrayBuffer()), ms: performance.now() - t0 };
  const etag = fullAnswer.headers.get('etag');
  if (fullAnswer.status !== 200 || !etag) throw new Error(`GET ${path} answered ${fullAnswer.status} with ETag ${etag}: ${full.body.toString('utf8').slice(0, 500)}`);
  const request: RequestSpec = { method: 'GET', path, headers: { 'if-none-match': etag } };
  const ok = (s: number) => s === 304;
  await call(agent, ctx.system.queries, request, 304);
  const target = ctx.system.queries;
  const healthz = await ctx.healthzCeiling();
  await saturate(target, ctx.concurrency, { request: () => request, durationMs: ctx.pick(2000, 500), ok }); // warm-up
  const sat = await ctx.measure(target, () => saturate(target, ctx.concurrency, { request: () => request, durationMs: ctx.pick(10_000, 2000), ok }));
  const r = ratio(sat.result.throughput, healthz.throughput);
  ctx.figures.push({
    section: 'caldav', figure: `GET /feeds/<token>.ics with If-None-Match → 304 on ${target.name}, saturation (${ctx.concurrency} conns)`, value: sat.result.throughput, unit: 'req/s',
    ceiling: healthz.throughput, ceilingLabel: `/healthz req/s, ${target.name}`, ratio: r, target: '≥ 50% of /healthz', pass: r === null ? null : r >= 0.5,
    notes: `the full feed: ${full.body?.length ?? 0} bytes in ${Math.round(full.ms)} ms; p50 ${sat.result.latency.p50Ms} / p99 ${sat.result.latency.p99Ms} ms; errors ${sat.result.errors} ${JSON.stringify(sat.result.statuses)}; ${cpuNote(sat.cpu)}`,
  });
  ctx.details.caldav = { ...(ctx.details.caldav as object), feed304: { ...sat.result, cpu: sat.cpu, fullBytes: full.body?.length ?? 0, fullMs: Math.round(full.ms) } };
}

/** POST /calendars/:id/import of the whole file: events/s from the request to its answer (every event decided and appended). */
async function importCalendar(ctx: BenchContext, agent: http.Agent, calendarID: string, auth: Record<string, string>, calendar: BenchCalendar) {
  await ctx.settle('before the import');
  const t0 = performance.now();
  const answer = await call(agent, ctx.system.commands, { method: 'POST', path: `/calendars/${calendarID}/import`, headers: { ...auth, 'content-type': 'text/calendar; charset=utf-8' }, body: calendar.file }, [200, 201], 600_000);
  const ms = performance.now() - t0;
  const result = JSON.parse(answer.body!.toString('utf8')) as { created: number; updated: number; unchanged: number; skipped: { uid: string | null; line: number; reason: string }[] };
  const projectedMs = await ctx.settle('after the import');
  if (result.created !== calendar.events.length) {
    throw new Error(`the import created ${result.created} of ${calendar.events.length} events (updated ${result.updated}, unchanged ${result.unchanged}, skipped ${JSON.stringify(result.skipped.slice(0, 5))})`);
  }
  const rate = Math.round(result.created / (ms / 1000));
  ctx.details.caldav = { ...(ctx.details.caldav as object), import: { events: result.created, bytes: Buffer.byteLength(calendar.file), ms: Math.round(ms), projectedMs: Math.round(projectedMs) } };
  return {
    section: 'caldav', figure: `import of a ${calendar.events.length}-event .ics (${Math.round(Buffer.byteLength(calendar.file) / 1024)} KiB) on ${ctx.system.commands.name}`, value: rate, unit: 'events/s',
    target: '≥ 2,000 events/s', pass: rate >= 2000,
    notes: `POST /calendars/:id/import answered in ${Math.round(ms)} ms (created ${result.created}, skipped ${result.skipped.length}); the consumers caught up ${Math.round(projectedMs)} ms after the answer`,
  };
}
