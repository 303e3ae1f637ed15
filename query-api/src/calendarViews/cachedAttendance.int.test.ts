import { randomUUID } from 'node:crypto';
import { type BusyInterval, type CalendarEventDetails, occurrenceSpan } from '@datebook/shared-kernel';
import { calendarViewCopier, type CalendarViews, consumeViewCopyRequests, READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { calendarViewsRedisClient, redisCalendarViews, redisViewCopyRequests } from '@datebook/shared-kernel/ports/redis';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { Redis } from 'ioredis';
import { cachedAttendance } from './cachedAttendance';
import { readModelQueries } from './readModelQueries';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const clock = () => new Date('2030-01-01T00:00:00Z');
const week = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-01-08T00:00:00Z') };

type Event = Pick<CalendarEventDetails, 'eventID' | 'hostID' | 'title' | 'startTime' | 'endTime' | 'recurrence' | 'exceptions'>;

/** Writes an event and its people into the read model as the projector would. */
async function project(db: SqlDatabase, event: Event, people: Record<string, string>, status = 'confirmed', version = 1): Promise<void> {
  const full = { ...event, description: null, location: null, timeZone: 'Europe/Paris', allDay: false, startDate: null, endDate: null, transparency: 'opaque' };
  const span = occurrenceSpan(full);
  await db.query(
    `insert into rm_events (event_id, host_id, title, start_time, end_time, time_zone, all_day, recurrence, exceptions, transparency, status, state, version, updated_at)
     values ($1, $2, $3, $4, $5, 'Europe/Paris', false, $6, $7, 'opaque', $8, '{}', $9, now())`,
    [event.eventID, event.hostID, event.title, event.startTime, event.endTime, JSON.stringify(event.recurrence), JSON.stringify(event.exceptions), status, version],
  );
  for (const [userID, rsvp] of Object.entries(people)) {
    await db.query(
      `insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
       values ($1, $2, $3, '{}', $4, $5, false, $6, $7)`,
      [event.eventID, userID, rsvp, new Date(span.start).toISOString(), Number.isFinite(span.end) ? new Date(span.end).toISOString() : 'infinity', event.recurrence.length > 0, status],
    );
  }
}

const event = (title: string, startTime: string, recurrence: string[] = []): Event => ({
  eventID: randomUUID(), hostID: randomUUID(), title, startTime, endTime: new Date(Date.parse(startTime) + 3_600_000).toISOString(), recurrence, exceptions: {},
});

/** A user with a meeting this week, an endless weekly series begun long ago, a declined meeting and a cancelled one. */
async function calendarOf(db: SqlDatabase): Promise<{ userID: string; meeting: Event }> {
  const userID = randomUUID();
  const meeting = event('Planning', '2030-01-02T10:00:00.000Z');
  await project(db, meeting, { [userID]: 'ACCEPTED' }, 'confirmed', 3);
  await project(db, event('Stand-up', '2029-06-03T07:00:00.000Z', ['RRULE:FREQ=WEEKLY;BYDAY=MO,TH']), { [userID]: 'TENTATIVE' });
  await project(db, event('Declined', '2030-01-03T12:00:00.000Z'), { [userID]: 'DECLINED' });
  await project(db, event('Called off', '2030-01-04T12:00:00.000Z'), { [userID]: 'ACCEPTED' }, 'cancelled');
  return { userID, meeting };
}

describe('calendar reads through the cached views', () => {
  let db: SqlDatabase;
  let redis: Redis;
  const prefix = `test:${randomUUID()}:cal:`;
  let views: CalendarViews;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
    redis = calendarViewsRedisClient(TEST_REDIS_URL);
    await new Promise((resolve) => redis.once('ready', resolve));
    views = redisCalendarViews(redis, { keyPrefix: prefix, clock: () => clock().getTime() });
  });
  afterAll(async () => {
    await views.clear();
    await redis.quit();
    await db.close();
  });

  it('answers from PostgreSQL while Redis is unreachable, and never fails for it', async () => {
    const { userID } = await calendarOf(db);
    const down = calendarViewsRedisClient('redis://127.0.0.1:6399', { retryStrategy: () => null, lazyConnect: true });
    try {
      const unreachable = redisCalendarViews(down, { keyPrefix: prefix });
      const copier = calendarViewCopier({ readModel: db, views: unreachable, clock });
      const attendance = cachedAttendance({ readModel: db, views: unreachable, copies: copier, clock });
      const cached = readModelQueries(db, { clock, attendance });
      const expected = await readModelQueries(db, { clock }).calendar(userID, week.from, week.to, 'Europe/Paris');
      expect(expected.events.map((e) => e.title)).toEqual(['Planning', 'Stand-up', 'Stand-up']);
      expect(await cached.calendar(userID, week.from, week.to, 'Europe/Paris')).toEqual(expected);
      await copier.settled();
      // The copy failed: copies pause, and the consumer takes no requests off the list meanwhile (they would be dropped).
      expect(copier.room()).toBe(0);
      expect(await cached.calendar(userID, week.from, week.to, 'Europe/Paris')).toEqual(expected);
      await copier.settled();
    } finally {
      down.disconnect();
    }
  });

  it('has a missed view copied in the background, then serves the same answer from Redis, changes written through included', async () => {
    const { userID, meeting } = await calendarOf(db);
    const copier = calendarViewCopier({ readModel: db, views, clock });
    const attendance = cachedAttendance({ readModel: db, views, copies: copier, clock });
    const queries = readModelQueries(db, { clock, attendance });
    const first = await queries.calendar(userID, week.from, week.to, 'Europe/Paris');
    expect(first).toEqual(await readModelQueries(db, { clock }).calendar(userID, week.from, week.to, 'Europe/Paris'));
    await copier.settled();
    expect(await views.read(userID, week.from, week.to)).toHaveLength(3);

    expect(first.fromViewsOnly).toBe(false);

    // Gone from PostgreSQL: whatever is answered now comes from Redis, and says so (an answer that may be kept).
    await db.query('delete from rm_event_users where user_id = $1', [userID]);
    expect(await queries.calendar(userID, week.from, week.to, 'Europe/Paris')).toEqual({ ...first, fromViewsOnly: true });
    const january = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-02-01T00:00:00Z') };
    expect((await queries.calendar(userID, january.from, january.to, 'UTC')).events.filter((e) => e.title === 'Stand-up')).toHaveLength(9);

    await views.applyChanges([{ userID, eventID: meeting.eventID, version: 4, row: null }]);
    expect((await queries.calendar(userID, week.from, week.to, 'Europe/Paris')).events.map((e) => e.title)).toEqual(['Stand-up', 'Stand-up']);
  });

  it('does not copy a view for a window older than the copy would reach', async () => {
    const { userID } = await calendarOf(db);
    const copier = calendarViewCopier({ readModel: db, views, clock, retentionMs: 30 * 86_400_000 });
    const attendance = cachedAttendance({ readModel: db, views, copies: copier, clock, retentionMs: 30 * 86_400_000 });
    await attendance([userID], new Date('2029-06-01T00:00:00Z'), new Date('2029-06-08T00:00:00Z'));
    await copier.settled();
    expect(await views.read(userID, week.from, week.to)).toBeUndefined();
    await attendance([userID], week.from, week.to);
    await copier.settled();
    expect(await views.read(userID, week.from, week.to)).toHaveLength(3);
  });

  it('serves busy time from the views once copied, from PostgreSQL until then, and fresh reads from PostgreSQL', async () => {
    const { userID } = await calendarOf(db);
    const copier = calendarViewCopier({ readModel: db, views, clock });
    const attendance = cachedAttendance({ readModel: db, views, copies: copier, clock });
    const queries = readModelQueries(db, { clock, attendance, busy: attendance.busy });
    const plain = (busy: ReadonlyMap<string, readonly BusyInterval[]>) => (busy.get(userID) ?? []).map(({ start, end, kind }) => ({ start, end, kind })).sort((a, b) => a.start - b.start);
    const expected = plain(await readModelQueries(db, { clock }).busyTime([userID], week.from, week.to));
    // Planning, and the tentative stand-ups on Thursday and Monday (09:00 in Paris); the declined and the cancelled meetings are free.
    expect(expected.map((i) => [new Date(i.start).toISOString(), i.kind])).toEqual([
      ['2030-01-02T10:00:00.000Z', 'busy'], ['2030-01-03T08:00:00.000Z', 'tentative'], ['2030-01-07T08:00:00.000Z', 'tentative'],
    ].sort());
    expect(plain(await queries.busyTime([userID], week.from, week.to))).toEqual(expected);
    await copier.settled();
    expect(plain(await views.busy([userID], week.from, week.to))).toEqual(expected);

    // Gone from PostgreSQL: the cached answer is still there, a fresh read sees the read model.
    await db.query('delete from rm_event_users where user_id = $1', [userID]);
    expect(plain(await queries.busyTime([userID], week.from, week.to))).toEqual(expected);
    expect(plain(await queries.busyTime([userID], week.from, week.to, true))).toEqual([]);
  });

  it('takes busy time read ahead, beside the rights, in the same single views read; users the views cannot answer come from PostgreSQL', async () => {
    const copied = await calendarOf(db);
    const uncopied = await calendarOf(db);
    const copier = calendarViewCopier({ readModel: db, views, clock });
    await copier.request(copied.userID);
    await copier.settled();
    const reads: string[][] = [];
    const counted: CalendarViews = { ...views, busy: (ids, from, to) => (reads.push(ids), views.busy(ids, from, to)), whoIsBusy: (ids, from, to) => (reads.push(ids), views.whoIsBusy(ids, from, to)) };
    const attendance = cachedAttendance({ readModel: db, views: counted, copies: copier, clock });
    const queries = readModelQueries(db, { clock, attendance, busy: attendance.busy, whoIsBusy: attendance.whoIsBusy });
    const plain = (busy: ReadonlyMap<string, readonly BusyInterval[]>) => new Map([...busy].map(([id, list]) => [id, list.map(({ start, end, kind }) => ({ start, end, kind })).sort((a, b) => a.start - b.start)]));
    const expected = plain(await readModelQueries(db, { clock }).busyTime([copied.userID, uncopied.userID], week.from, week.to));
    expect((await views.busy([copied.userID, uncopied.userID], week.from, week.to)).has(uncopied.userID)).toBe(false);

    const asked = [copied.userID, uncopied.userID, randomUUID()]; // a third the rights will not show
    const ahead = queries.busyAhead(asked, week.from, week.to);
    expect(reads).toEqual([asked]);
    expect(plain(await queries.busyTime([copied.userID, uncopied.userID], week.from, week.to, false, undefined, ahead))).toEqual(expected);
    expect(reads).toHaveLength(1);
    const whoAhead = queries.whoIsBusyAhead(asked, week.from, week.to);
    expect(await queries.whoIsBusy([copied.userID, uncopied.userID], week.from, week.to, false, undefined, whoAhead)).toEqual(new Map([[copied.userID, true], [uncopied.userID, true]]));
    expect(reads).toHaveLength(2);
    // A read that waited on a consistency token reads the read model: nothing ahead.
    expect(queries.busyAhead(asked, week.from, week.to, true)).toBeUndefined();
    await copier.settled(); // the uncopied user's view, asked for by the misses
  });

  it('only asks, once per user for a while, through Redis; the projector’s consumer takes the request and copies the view', async () => {
    const { userID } = await calendarOf(db);
    const key = `${prefix}copy-requests`;
    const requests = redisViewCopyRequests(redis, { key });
    const attendance = cachedAttendance({ readModel: db, views, copies: requests, clock });
    await attendance([userID], week.from, week.to);
    await attendance([userID], week.from, week.to);
    await pollUntil(async () => (await redis.llen(key)) > 0, { timeoutMs: 5_000, what: 'the copy request in Redis' });
    expect(await redis.lrange(key, 0, -1)).toEqual([userID]);
    // The query side wrote no view.
    expect(await views.read(userID, week.from, week.to)).toBeUndefined();

    const consumer = consumeViewCopyRequests(requests, calendarViewCopier({ readModel: db, views, clock }), { pollMs: 10 });
    try {
      await pollUntil(async () => (await views.read(userID, week.from, week.to)) !== undefined, { timeoutMs: 5_000, what: 'the view copied by the consumer' });
    } finally {
      await consumer.stop();
    }
    expect(await views.read(userID, week.from, week.to)).toHaveLength(3);
    expect(await redis.llen(key)).toBe(0);
  });

  it('copies a long list of requests back to back: each copy that ends makes room for the next, not the next poll', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => calendarOf(db)));
    const key = `${prefix}copy-requests-many`;
    const requests = redisViewCopyRequests(redis, { key });
    for (const { userID } of users) await requests.request(userID);
    // Two at a time and a poll far longer than the wait below: only copies chained on room can finish in time.
    const consumer = consumeViewCopyRequests(requests, calendarViewCopier({ readModel: db, views, clock, maxInFlight: 2 }), { pollMs: 600_000 });
    try {
      await pollUntil(async () => (await Promise.all(users.map(({ userID }) => views.read(userID, week.from, week.to)))).every((rows) => rows !== undefined), {
        timeoutMs: 10_000, what: 'all twelve views copied',
      });
    } finally {
      await consumer.stop();
    }
    expect(await redis.llen(key)).toBe(0);
  });
});
