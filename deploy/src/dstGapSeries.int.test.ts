import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { Temporal } from 'temporal-polyfill';
import { startTestSystem, type TestSystem } from './testing/testSystem';

interface Item { eventID: string; recurringEventID?: string; originalStartTime?: string; startTime: string }

// RFC 5545 §3.3.10: a series repeats DTSTART's nominal wall time; §3.3.5: only an instance that falls in a
// DST gap moves forward — the first one included, without shifting the rest of the series.
describe('a series whose first start falls in a DST gap, through the HTTP API', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let host: Awaited<ReturnType<TestSystem['signUp']>>;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    host = await sys.signUp('gap-host');
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const book = async (body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(host.auth).send({ title: 'Series', duration: 'PT30M', ...body });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { eventID: string; consistencyToken: string };
  };
  const occurrencesOf = async (series: { eventID: string; consistencyToken?: string }, from: string, to: string): Promise<Item[]> => {
    const res = await sys.http().get('/events').set(host.auth).set(series.consistencyToken ? { 'X-Consistency-Token': series.consistencyToken } : {}).query({ from, to });
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.events as Item[]).filter((i) => i.recurringEventID === series.eventID);
  };

  it.each([
    ['Europe/Berlin', '2027-03-28T02:30', 'RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=4', ['2027-03-28T01:30:00.000Z', '2027-04-25T00:30:00.000Z', '2027-05-23T00:30:00.000Z', '2027-06-27T00:30:00.000Z']],
    ['America/New_York', '2025-03-09T02:15', 'RRULE:FREQ=MONTHLY;COUNT=3', ['2025-03-09T07:15:00.000Z', '2025-04-09T06:15:00.000Z', '2025-05-09T06:15:00.000Z']],
    ['Australia/Sydney', '2022-10-02T02:45', 'RRULE:FREQ=DAILY;COUNT=3', ['2022-10-01T16:45:00.000Z', '2022-10-02T15:45:00.000Z', '2022-10-03T15:45:00.000Z']],
  ])('in %s, %s starts an hour later once and then keeps its wall time', async (timeZone, startTime, rule, expected) => {
    const series = await book({ startTime, timeZone, recurrence: [rule] });
    const items = await occurrencesOf(series, '2022-01-01T00:00:00Z', '2022-12-31T00:00:00Z').then(async (a) => [...a, ...(await occurrencesOf(series, '2025-01-01T00:00:00Z', '2025-12-31T00:00:00Z')), ...(await occurrencesOf(series, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z'))]);
    expect(items.map((i) => i.startTime)).toEqual(expected);
    // Each occurrence is named by its real original start.
    expect(items.map((i) => i.originalStartTime)).toEqual(expected);
    expect(items.map((i) => i.eventID)).toEqual(expected.map((s) => `${series.eventID}_${s.replace('.000Z', 'Z').replaceAll('-', '').replaceAll(':', '')}`));
  });

  it('drops the nonexistent first start named by EXDATE, and keeps the rest at 02:30', async () => {
    const series = await book({
      startTime: '2027-03-28T02:30', timeZone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20270328T023000'],
    });
    const items = await occurrencesOf(series, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z');
    expect(items.map((i) => i.startTime)).toEqual(['2027-04-25T00:30:00.000Z', '2027-05-23T00:30:00.000Z', '2027-06-27T00:30:00.000Z']);
  });

  it('addresses, blocks and caches later occurrences at 02:30', async () => {
    const series = await book({ startTime: '2027-03-28T02:30', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=3'] });
    const busy = async (startTime: string, endTime: string) => (await sys.http().patch('/events/availability').set(host.auth)
      .set('X-Consistency-Token', series.consistencyToken).send({ userID: host.userID, startTime, endTime })).body;
    expect(await busy('2027-04-25T00:30:00Z', '2027-04-25T01:00:00Z')).toEqual({ available: false });
    expect(await busy('2027-04-25T01:30:00Z', '2027-04-25T02:00:00Z')).toEqual({ available: true });
    // The calendar views (read without a consistency token) hold the same occurrences once they caught up.
    const expected = ['2027-03-28T01:30:00.000Z', '2027-04-25T00:30:00.000Z', '2027-05-23T00:30:00.000Z'];
    let cached: string[] = [];
    await pollUntil(async () => (cached = (await occurrencesOf({ eventID: series.eventID }, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z')).map((i) => i.startTime)).length === expected.length, {
      timeoutMs: 5000, what: () => `the views holding the three occurrences (last: ${cached.join()})`,
    });
    expect(cached).toEqual(expected);
    const moved = await sys.http().put(`/events/${series.eventID}/occurrences/2027-04-25T00:30:00Z`).set(host.auth).send({ title: 'Moved', startTime: '2027-04-25T10:00' });
    expect(moved.status).toBe(200);
    const nowhere = await sys.http().put(`/events/${series.eventID}/occurrences/2027-04-25T01:30:00Z`).set(host.auth).send({ title: 'Nowhere' });
    expect(nowhere.status).toBe(404);
    const afterMove = [[expected[0], expected[0]], [expected[1], '2027-04-25T08:00:00.000Z'], [expected[2], expected[2]]];
    const items = await occurrencesOf({ eventID: series.eventID, consistencyToken: moved.headers['x-consistency-token'] as string }, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z');
    expect(items.map((i) => [i.originalStartTime, i.startTime])).toEqual(afterMove);
    // The views the projector wrote this change into (read without a token once they show it) agree.
    let fromViews: (string | undefined)[][] = [];
    await pollUntil(async () => (fromViews = (await occurrencesOf({ eventID: series.eventID }, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z')).map((i) => [i.originalStartTime, i.startTime])).some(([, start]) => start === afterMove[1]?.[1]), {
      timeoutMs: 5000, what: () => `the views showing the moved occurrence (last: ${JSON.stringify(fromViews)})`,
    });
    expect(fromViews).toEqual(afterMove);
  });

  // Property: outside gaps nothing changes — a wall time and the same start given as an instant expand alike,
  // both as Temporal places each day's wall time (RFC 5545 §3.3.5 'compatible').
  it('changes nothing for random zones and times outside gaps', async () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Pacific/Auckland', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata'];
    let seed = 3310;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let checked = 0; checked < 6;) {
      const timeZone = zones[Math.floor(random() * zones.length)] ?? 'UTC';
      const wall = Temporal.PlainDateTime.from({ year: 2026 + Math.floor(random() * 10), month: 1, day: 1 }).add({ days: Math.floor(random() * 365), minutes: Math.floor(random() * 96) * 15 });
      const zoned = wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' });
      if (!zoned.toPlainDateTime().equals(wall)) continue; // in a gap
      const recurrence = ['RRULE:FREQ=DAILY;COUNT=5'];
      const expected = [0, 1, 2, 3, 4].map((days) => new Date(wall.add({ days }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds).toISOString());
      const window = [new Date(zoned.epochMilliseconds - 86_400_000).toISOString(), new Date(zoned.epochMilliseconds + 7 * 86_400_000).toISOString()] as const;
      const asWall = await book({ startTime: wall.toString({ smallestUnit: 'minute' }), timeZone, recurrence });
      const asInstant = await book({ startTime: zoned.toString({ timeZoneName: 'never' }), timeZone, recurrence });
      expect((await occurrencesOf(asWall, ...window)).map((i) => i.startTime)).toEqual(expected);
      expect((await occurrencesOf(asInstant, ...window)).map((i) => i.startTime)).toEqual(expected);
      checked++;
    }
  });
});
