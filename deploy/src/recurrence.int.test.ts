import { readTestCorpus } from '@datebook/shared-kernel/testing';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { expectNothingAppended, startTestSystem, type TestSystem } from './testing/testSystem';

interface CorpusCase {
  id: string; title: string; tzid: string; dtstart: string; duration_minutes: number | null; rrule: string;
  exdate: string[]; rdate: string[]; window: { from: string; to: string }; expected: { local: string; utc: string }[];
}
const corpus = readTestCorpus<CorpusCase[]>('rrule-rfc5545.json');

interface Item { eventID: string; recurringEventID?: string; originalStartTime?: string; startTime: string; endTime: string; startDate?: string; endDate?: string; title: string; rsvpStatus: string }

describe('recurring, all-day and time-zoned events through the HTTP API', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let host: Awaited<ReturnType<TestSystem['signUp']>>;
  let ann: typeof host;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [host, ann] = await Promise.all([sys.signUp('host'), sys.signUp('ann')]);
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const book = async (user: typeof host, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(user.auth).send({ title: 'Series', ...body });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { eventID: string; version: number; consistencyToken: string };
  };
  /** GET /events over any window, in chunks of at most a year as the API allows. */
  const list = async (user: typeof host, from: string, to: string, token?: string, timeZone?: string): Promise<Item[]> => {
    const items: Item[] = [];
    for (let start = Date.parse(from); start < Date.parse(to); start += 360 * 86_400_000) {
      const end = Math.min(Date.parse(to), start + 360 * 86_400_000);
      const res = await sys.http().get('/events').set(user.auth).set(token ? { 'X-Consistency-Token': token } : {})
        .query({ from: new Date(start).toISOString(), to: new Date(end).toISOString(), ...(timeZone ? { timeZone } : {}) });
      if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
      for (const item of res.body.events as Item[]) if (!items.some((i) => i.eventID === item.eventID)) items.push(item);
    }
    return items;
  };
  const basic = (local: string) => local.replaceAll('-', '').replaceAll(':', '');

  describe('the RFC 5545 §3.8.5.3 examples', () => {
    it.each(corpus.map((c) => [c.id, c.title, c] as const))('%s: %s', async (_id, _title, c) => {
      const user = await sys.signUp(`corpus-${c.id}`);
      const recurrence = [`RRULE:${c.rrule}`];
      if (c.exdate.length > 0) recurrence.push(`EXDATE;TZID=${c.tzid}:${c.exdate.map(basic).join(',')}`);
      if (c.rdate.length > 0) recurrence.push(`RDATE;TZID=${c.tzid}:${c.rdate.map(basic).join(',')}`);
      const booked = await book(user, { startTime: c.dtstart, duration: `PT${c.duration_minutes ?? 60}M`, timeZone: c.tzid, recurrence });
      const items = (await list(user, c.window.from, c.window.to, booked.consistencyToken))
        .filter((i) => i.recurringEventID === booked.eventID && Date.parse(i.startTime) >= Date.parse(c.window.from));
      expect(items.map((i) => i.startTime.replace('.000Z', 'Z'))).toEqual(c.expected.map((e) => e.utc));
    });
  });

  describe('time zones and DST', () => {
    it.each([
      ['Europe/Berlin', '2030-03-25T09:00', ['2030-03-25T08:00:00.000Z', '2030-04-01T07:00:00.000Z']],
      ['America/New_York', '2030-03-04T09:00', ['2030-03-04T14:00:00.000Z', '2030-03-11T13:00:00.000Z']],
      ['Australia/Sydney', '2030-03-31T09:00', ['2030-03-30T22:00:00.000Z', '2030-04-06T23:00:00.000Z']],
      ['Pacific/Auckland', '2030-09-23T09:00', ['2030-09-22T21:00:00.000Z', '2030-09-29T20:00:00.000Z']],
      ['Asia/Kolkata', '2030-03-25T09:00', ['2030-03-25T03:30:00.000Z', '2030-04-01T03:30:00.000Z']],
    ])('a weekly 09:00 meeting in %s stays at 09:00 local across the change', async (timeZone, start, expected) => {
      const booked = await book(host, { startTime: start, duration: 'PT30M', timeZone, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'] });
      const items = (await list(host, '2030-01-01T00:00:00Z', '2030-12-31T00:00:00Z', booked.consistencyToken)).filter((i) => i.recurringEventID === booked.eventID);
      expect(items.map((i) => i.startTime)).toEqual(expected);
    });

    it('moves a 02:30 that does not exist forward, and takes the first of a repeated 01:30', async () => {
      const gap = await book(host, { startTime: '2030-03-09T02:30', duration: 'PT1H', timeZone: 'America/New_York', recurrence: ['RRULE:FREQ=DAILY;COUNT=2'] });
      const overlap = await book(host, { startTime: '2030-11-02T01:30', duration: 'PT1H', timeZone: 'America/New_York', recurrence: ['RRULE:FREQ=DAILY;COUNT=2'] });
      const items = await list(host, '2030-03-01T00:00:00Z', '2030-11-30T00:00:00Z', overlap.consistencyToken);
      expect(items.filter((i) => i.recurringEventID === gap.eventID).map((i) => i.startTime)).toEqual(['2030-03-09T07:30:00.000Z', '2030-03-10T07:30:00.000Z']);
      expect(items.filter((i) => i.recurringEventID === overlap.eventID).map((i) => i.startTime)).toEqual(['2030-11-02T05:30:00.000Z', '2030-11-03T05:30:00.000Z']);
    });

    it('answers a window decades ahead without walking there occurrence by occurrence', async () => {
      const booked = await book(host, { startTime: '2020-01-01T09:00', duration: 'PT15M', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=MINUTELY;INTERVAL=30'] });
      const started = Date.now();
      const items = (await list(host, '2090-06-01T00:00:00Z', '2090-06-01T03:00:00Z', booked.consistencyToken)).filter((i) => i.recurringEventID === booked.eventID);
      expect(items.map((i) => i.startTime)).toEqual(['2090-06-01T00:00:00.000Z', '2090-06-01T00:30:00.000Z', '2090-06-01T01:00:00.000Z', '2090-06-01T01:30:00.000Z', '2090-06-01T02:00:00.000Z', '2090-06-01T02:30:00.000Z']);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('cuts a window with more occurrences than the cap, and says so', async () => {
      const user = await sys.signUp('cap');
      const booked = await book(user, { startTime: '2030-01-01T00:00', duration: 'PT1M', timeZone: 'UTC', recurrence: ['RRULE:FREQ=MINUTELY'] });
      const res = await sys.http().get('/events').set(user.auth).set('X-Consistency-Token', booked.consistencyToken).query({ view: 'DAILY', date: '2030-01-01', timeZone: 'UTC' });
      expect(res.body.truncated).toBe(true);
      expect(res.body.events).toHaveLength(1000);
    });
  });

  describe('all-day events', () => {
    it('shows an all-day event on its date for viewers in any zone', async () => {
      const booked = await book(host, { title: 'Holiday', startDate: '2030-07-14', invitedUserIDs: [ann.userID] });
      for (const timeZone of ['Pacific/Auckland', 'Pacific/Honolulu', 'UTC']) {
        const res = await sys.http().get('/events').set(ann.auth).set('X-Consistency-Token', booked.consistencyToken).query({ view: 'DAILY', date: '2030-07-14', timeZone });
        expect(res.body.events.filter((i: Item) => i.title === 'Holiday')).toEqual([expect.objectContaining({ allDay: true, startDate: '2030-07-14', endDate: '2030-07-15' })]);
        const dayBefore = await sys.http().get('/events').set(ann.auth).query({ view: 'DAILY', date: '2030-07-13', timeZone });
        expect(dayBefore.body.events.filter((i: Item) => i.title === 'Holiday')).toEqual([]);
      }
    });

    it('repeats yearly on 29 February only in leap years, and blocks no time', async () => {
      const booked = await book(ann, { title: 'Leap birthday', startDate: '2028-02-29', endDate: '2028-03-01', recurrence: ['RRULE:FREQ=YEARLY'] });
      const items = (await list(ann, '2028-01-01T00:00:00Z', '2033-01-01T00:00:00Z', booked.consistencyToken)).filter((i) => i.recurringEventID === booked.eventID);
      expect(items.map((i) => i.startDate)).toEqual(['2028-02-29', '2032-02-29']);
      const free = await sys.http().patch('/events/availability').set(host.auth).set('X-Consistency-Token', booked.consistencyToken)
        .send({ userID: ann.userID, startTime: '2028-02-29T10:00:00Z', endTime: '2028-02-29T11:00:00Z' });
      expect(free.body).toEqual({ available: true });
    });
  });

  describe('exceptions and series edits', () => {
    let series: { eventID: string; consistencyToken: string };
    const week = ['2030-06-03T07:00:00.000Z', '2030-06-04T07:00:00.000Z', '2030-06-05T07:00:00.000Z', '2030-06-06T07:00:00.000Z', '2030-06-07T07:00:00.000Z'];

    beforeAll(async () => {
      series = await book(host, {
        title: 'Standup', startTime: '2030-06-03T09:00', duration: 'PT15M', timeZone: 'Europe/Berlin', invitedUserIDs: [ann.userID],
        recurrence: ['RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', 'EXDATE;TZID=Europe/Berlin:20300612T090000', 'RDATE;TZID=Europe/Berlin:20300615T100000'],
      });
    });
    const annsWeek = async (token?: string, from = '2030-06-03T00:00:00Z', to = '2030-06-08T00:00:00Z') =>
      (await list(ann, from, to, token)).filter((i) => i.recurringEventID === series.eventID || i.eventID === series.eventID);

    it('expands the series with EXDATE and RDATE', async () => {
      const items = await annsWeek(series.consistencyToken, '2030-06-10T00:00:00Z', '2030-06-16T00:00:00Z');
      expect(items.map((i) => i.startTime)).toEqual(['2030-06-10T07:00:00.000Z', '2030-06-11T07:00:00.000Z', '2030-06-13T07:00:00.000Z', '2030-06-14T07:00:00.000Z', '2030-06-15T08:00:00.000Z']);
      expect(items[0]).toMatchObject({ eventID: `${series.eventID}_20300610T070000Z`, originalStartTime: '2030-06-10T07:00:00.000Z', rsvpStatus: 'PENDING' });
    });

    it('moves one occurrence and cancels another, and the availability follows', async () => {
      const moved = await sys.http().put(`/events/${series.eventID}/occurrences/2030-06-04T07:00:00Z`).set(host.auth).send({ startTime: '2030-06-04T14:00', endTime: '2030-06-04T14:30', title: 'Standup (late)' });
      expect(moved.status).toBe(200);
      const cancelled = await sys.http().delete(`/events/${series.eventID}/occurrences/20300605T070000Z`).set(host.auth);
      expect(cancelled.status).toBe(204);
      const items = await annsWeek(cancelled.headers['x-consistency-token'] as string);
      expect(items.map((i) => [i.startTime, i.title])).toEqual([
        [week[0], 'Standup'], ['2030-06-04T12:00:00.000Z', 'Standup (late)'], [week[3], 'Standup'], [week[4], 'Standup'],
      ]);
      const during = (start: string, end: string) => sys.http().patch('/events/availability').set(host.auth)
        .set('X-Consistency-Token', cancelled.headers['x-consistency-token'] as string).send({ userID: ann.userID, startTime: start, endTime: end });
      expect((await during('2030-06-05T07:00:00Z', '2030-06-05T07:15:00Z')).body).toEqual({ available: true });
      expect((await during('2030-06-04T12:00:00Z', '2030-06-04T12:10:00Z')).body).toEqual({ available: false });
      expect((await during('2030-06-06T07:00:00Z', '2030-06-06T07:15:00Z')).body).toEqual({ available: false });
      const nowhere = await sys.http().delete(`/events/${series.eventID}/occurrences/2030-06-04T08:00:00Z`).set(host.auth);
      expect(nowhere.status).toBe(404);
      const byAnn = await sys.http().delete(`/events/${series.eventID}/occurrences/2030-06-06T07:00:00Z`).set(ann.auth);
      expect(byAnn.status).toBe(403);
    });

    it('lets an invitee decline one occurrence only', async () => {
      const declined = await sys.http().patch(`/events/${series.eventID}/invitations`).set(ann.auth).send({ response: 'DECLINE', originalStartTime: week[3] });
      expect(declined.body).toMatchObject({ rsvpStatus: 'DECLINED', originalStartTime: week[3] });
      const accepted = await sys.http().patch(`/events/${series.eventID}/invitations`).set(ann.auth).send({ response: 'ACCEPT' });
      const items = await annsWeek(accepted.body.consistencyToken);
      expect(items.map((i) => [i.startTime, i.rsvpStatus])).toEqual([[week[0], 'ACCEPTED'], ['2030-06-04T12:00:00.000Z', 'ACCEPTED'], [week[4], 'ACCEPTED']]);
    });

    it('splits "this and following": the original ends, a new series carries on with the invitees and later exceptions', async () => {
      const lateException = await sys.http().put(`/events/${series.eventID}/occurrences/2030-06-20T07:00:00.000Z`).set(host.auth).send({ title: 'Standup (demo)' });
      expect(lateException.status).toBe(200);
      const split = await sys.http().put(`/events/${series.eventID}/occurrences/2030-06-17T07:00:00Z`).set(host.auth).send({ scope: 'following', location: 'Room 9' });
      expect(split.status).toBe(201);
      expect(split.body).toMatchObject({ movedExceptions: ['2030-06-20T07:00:00.000Z'], droppedExceptions: [], previousSeries: { eventID: series.eventID } });
      const again = await sys.http().put(`/events/${series.eventID}/occurrences/2030-06-17T07:00:00Z`).set(host.auth).send({ scope: 'following', location: 'Room 9' });
      expect(again.body.eventID).toBe(split.body.eventID);
      const items = await list(ann, '2030-06-13T00:00:00Z', '2030-06-22T00:00:00Z', split.body.consistencyToken);
      const seriesOf = (i: Item) => (i.recurringEventID === series.eventID ? 'old' : i.recurringEventID === split.body.eventID ? 'new' : 'other');
      expect(items.filter((i) => seriesOf(i) !== 'other').map((i) => [i.startTime, seriesOf(i), i.title])).toEqual([
        ['2030-06-13T07:00:00.000Z', 'old', 'Standup'], ['2030-06-14T07:00:00.000Z', 'old', 'Standup'], ['2030-06-15T08:00:00.000Z', 'old', 'Standup'],
        ['2030-06-17T07:00:00.000Z', 'new', 'Standup'], ['2030-06-18T07:00:00.000Z', 'new', 'Standup'], ['2030-06-19T07:00:00.000Z', 'new', 'Standup'],
        ['2030-06-20T07:00:00.000Z', 'new', 'Standup (demo)'], ['2030-06-21T07:00:00.000Z', 'new', 'Standup'],
      ]);
      expect(items.find((i) => seriesOf(i) === 'new')).toMatchObject({ rsvpStatus: 'ACCEPTED' });
    });

    it('reports exceptions that no longer match when the whole series moves', async () => {
      const res = await sys.http().put(`/events/${series.eventID}`).set(host.auth).send({ startTime: '2030-06-03T10:00' });
      expect(res.status).toBe(200);
      expect(res.body.unmatchedExceptions).toEqual(expect.arrayContaining(['2030-06-04T07:00:00.000Z', '2030-06-05T07:00:00.000Z']));
    });
  });

  describe('bad recurrence input changes nothing', () => {
    expectNothingAppended(() => sys);
    it.each([
      ['COUNT with UNTIL', ['RRULE:FREQ=DAILY;COUNT=2;UNTIL=20300101T000000Z'], 'Europe/Berlin', 'recurrence.0', /COUNT|UNTIL/],
      ['an unknown part', ['RRULE:FREQ=DAILY;BYFOO=1'], 'Europe/Berlin', 'recurrence.0', /BYFOO|RRULE/],
      ['a bad BYDAY', ['RRULE:FREQ=WEEKLY;BYDAY=XX'], 'Europe/Berlin', 'recurrence.0', /BYDAY/],
      ['SECONDLY', ['RRULE:FREQ=SECONDLY'], 'Europe/Berlin', 'recurrence.0', /FREQ/],
      ['a broken EXDATE', ['RRULE:FREQ=DAILY', 'EXDATE;TZID=Europe/Berlin:2030-99'], 'Europe/Berlin', 'recurrence.1', /EXDATE/],
      ['an unknown zone', ['RRULE:FREQ=DAILY'], 'Mars/Olympus', 'timeZone', /zone/],
    ])('refuses %s with a 400 naming the part', async (_name, recurrence, timeZone, path, message) => {
      const res = await sys.http().post('/events').set(host.auth).send({ title: 'x', startTime: '2030-01-01T09:00', duration: 'PT1H', timeZone, recurrence });
      expect(res.status).toBe(400);
      const error = (res.body.errors as { path: string; message: string }[]).find((e) => e.path === path);
      expect(error?.message).toMatch(message);
    });
    it('needs the zone a timed series repeats in', async () => {
      const res = await sys.http().post('/events').set(host.auth).send({ title: 'x', startTime: '2030-01-01T09:00:00Z', duration: 'PT1H', recurrence: ['RRULE:FREQ=DAILY'] });
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'timeZone' })]);
    });
  });
});
