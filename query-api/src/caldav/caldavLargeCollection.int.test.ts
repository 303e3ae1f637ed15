import { caldavName, davName } from '@datebook/shared-kernel/dav';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, pollUntil, type TestDatabase, withEventLoopGuard } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';
import { MAX_QUERY_RESULTS } from './calendarQueryReport';
import { davClient, propfindBody, propOf, readMultistatus } from './testing/davClient';

/** Past every cap: the answers are cut, say so, and the rest is reachable. */
const CLONES = 10_050;
/**
 * The longest the loop may be held up while the server answers a request about the whole calendar. Writing
 * the answer in one go takes over a second (10,000 events at 0.1–0.2 ms each); a major GC of this jest
 * worker's heap (server and client in one process, both holding the 15 MB answer) takes up to ~100 ms on
 * a loaded 2-core box, which the bound allows for.
 */
const MAX_BLOCK_MS = 200;

/**
 * A calendar of 10,051 events (one booked through REST, cloned in the read model: the projector's
 * rows, made in bulk), read whole by CalDAV: every answer is bounded, says when it was cut (507), and
 * never holds up the event loop while it is written.
 */
describe('CalDAV reads of a 10,000-event calendar', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  let sys: TestSystem;
  let dav: ReturnType<typeof davClient>;
  let auth: Record<string, string>;
  let big: string;
  const bigHref = () => `/dav/calendars/${big}/`;
  const everything = (prop: string) => `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${prop}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>`;
  const sync = (token: string) => `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDb.url, max: 10 });
    sys = await startTestSystem(db);
    dav = davClient(sys);
    const ann = await sys.signUp('ann');
    auth = ann.auth;
    big = (await sys.http().post('/calendars').set(auth).send({ summary: 'Big', timeZone: 'Europe/Berlin' })).body.calendarID;
    const booked = await sys.http().post('/events').set(auth).send({ calendarID: big, title: 'Shift', location: 'Ward 3', startTime: '2030-01-01T08:00:00Z', endTime: '2030-01-01T09:00:00Z' });
    expect(booked.status).toBe(201);
    const original: string = booked.body.eventID;
    await pollUntil(async () => (await db.query('select 1 from rm_collection_members where collection_id = $1 and event_id = $2', [big, original])).rows.length === 1, { timeoutMs: 10_000, what: 'the booking in its collection' });
    // One clone an hour after another, each its own change of the collection (seq), as the projector writes them.
    await db.query(
      `with clones as (select gen_random_uuid() as id, i from generate_series(1, $3::int) i),
       made as (
         insert into rm_events
         select (jsonb_populate_record(null::rm_events, to_jsonb(s) || jsonb_build_object(
           'event_id', c.id, 'ical_uid', c.id::text || '@datebook', 'title', s.title || ' ' || c.i,
           'start_time', s.start_time + c.i * interval '1 hour', 'end_time', s.end_time + c.i * interval '1 hour',
           'state', s.state || jsonb_build_object('eventID', c.id, 'title', s.title || ' ' || c.i,
             'startTime', to_char((s.start_time + c.i * interval '1 hour') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'endTime', to_char((s.end_time + c.i * interval '1 hour') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))))).*
         from rm_events s cross join clones c where s.event_id = $2
         returning event_id, start_time, end_time)
       insert into rm_collection_members (collection_id, event_id, seq, present, span_start, span_end)
       select $1, event_id, (select seq from rm_collections where collection_id = $1) + row_number() over (order by start_time), true, start_time, end_time from made`,
      [big, original, CLONES],
    );
    await db.query('update rm_collections set seq = seq + $2 where collection_id = $1', [big, CLONES]);
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
    await testDb.drop();
  });

  it('answers a week from the index, with calendar-data', async () => {
    const week = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20300107T000000Z" end="20300114T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const res = await dav('report', bigHref(), { auth, body: week, headers: { Depth: '1' } });
    expect(res.status).toBe(207);
    const found = readMultistatus(res.body).responses;
    expect(found).toHaveLength(7 * 24);
    expect(propOf(found[0], caldavName('calendar-data'))?.text).toContain('LOCATION:Ward 3');
  });

  it('lists at most 10,000 in a calendar-query, says it cut the list (507), and keeps the loop free while it renders them', async () => {
    const { result: res, maxDelayMs } = await withEventLoopGuard(() => dav('report', bigHref(), { auth, body: everything('<D:getetag/><C:calendar-data/>'), headers: { Depth: '1' } }).then((r) => r), MAX_BLOCK_MS);
    expect(res.status).toBe(207);
    const { responses } = readMultistatus(res.body);
    expect(responses.filter((r) => r.status === undefined)).toHaveLength(MAX_QUERY_RESULTS);
    expect(responses.filter((r) => r.status === 507).map((r) => r.href)).toEqual([bigHref()]);
    expect(maxDelayMs).toBeLessThanOrEqual(MAX_BLOCK_MS);
  });

  it('syncs in bounded pieces: the first answer stops at 10,000 on a whole change, the next token gives the rest', async () => {
    const first = await withEventLoopGuard(() => dav('report', bigHref(), { auth, body: sync('') }).then((r) => r), MAX_BLOCK_MS);
    const initial = readMultistatus(first.result.body);
    expect(initial.responses.filter((r) => r.status === undefined)).toHaveLength(10_000);
    expect(initial.responses.filter((r) => r.status === 507)).toHaveLength(1);
    const rest = readMultistatus((await dav('report', bigHref(), { auth, body: sync(initial.syncToken as string) })).body);
    expect(rest.responses).toHaveLength(CLONES + 1 - 10_000);
    const seen = new Set([...initial.responses, ...rest.responses].filter((r) => r.status === undefined).map((r) => r.href));
    expect(seen.size).toBe(CLONES + 1);
    const done = readMultistatus((await dav('report', bigHref(), { auth, body: sync(rest.syncToken as string) })).body);
    expect(done.responses).toEqual([]);
  });

  it('lists at most 10,000 members in a PROPFIND, saying so', async () => {
    const { result: res } = await withEventLoopGuard(() => dav('propfind', bigHref(), { auth, body: propfindBody('<D:getetag/>'), headers: { Depth: '1' } }).then((r) => r), MAX_BLOCK_MS);
    const { responses } = readMultistatus(res.body);
    expect(responses.filter((r) => r.href !== bigHref() && propOf(r, davName('getetag')))).toHaveLength(10_000);
    expect(responses.filter((r) => r.status === 507)).toHaveLength(1);
  });

  it('exports all of them in one VCALENDAR without holding up the loop', async () => {
    const { result: res } = await withEventLoopGuard(() => dav('get', `/calendars/${big}/events.ics`, { auth }).then((r) => r), MAX_BLOCK_MS);
    expect(res.status).toBe(200);
    expect(res.body.match(/^BEGIN:VEVENT\r$/gm)).toHaveLength(CLONES + 1);
  });
});
