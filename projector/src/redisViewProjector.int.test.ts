import { randomUUID } from 'node:crypto';
import { type CalendarEventEvent, type RecordedEvent, START_OF_LOG, streamName } from '@datebook/shared-kernel';
import { calendarViewChecksum, type CalendarViews, type EventStore, inMemoryCalendarViews, postgresEventStore, READ_MODEL_SCHEMA, readModelViewEntries, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { calendarViewsRedisClient, redisCalendarViews } from '@datebook/shared-kernel/ports/redis';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { Redis } from 'ioredis';
import { readModelProjector } from './readModelProjector';
import { calendarViewsProjector } from './redisViewProjector';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const [host, ann, bob, cy] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const [single, series, cancelled] = [randomUUID(), randomUUID(), randomUUID()];

const scheduled = (eventID: string, start: string, recurrence: string[] = []): CalendarEventEvent => ({
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Plan', description: null, location: null, startTime: start,
    endTime: new Date(Date.parse(start) + 3_600_000).toISOString(), timeZone: 'Europe/Paris', allDay: false, startDate: null, endDate: null,
    recurrence, transparency: 'opaque', guestsCanSeeOtherGuests: true,
  },
});

/** The scenario as appends, each a list of events on one stream: invitations, answers, removals, moves, a cancellation. */
const steps: [string, CalendarEventEvent[]][] = [
  [single, [scheduled(single, '2030-01-02T09:00:00.000Z'), { type: 'AttendeeInvited', data: { eventID: single, userID: ann, invitedBy: host } }]],
  [series, [scheduled(series, '2030-01-07T08:00:00.000Z', ['RRULE:FREQ=WEEKLY;BYDAY=MO'])]],
  [single, [{ type: 'AttendeeInvited', data: { eventID: single, userID: bob, invitedBy: host } }, { type: 'InvitationDeclined', data: { eventID: single, userID: ann } }]],
  [series, [{ type: 'AttendeeInvited', data: { eventID: series, userID: ann, invitedBy: host } }, { type: 'InvitationAccepted', data: { eventID: series, userID: ann } }]],
  [cancelled, [scheduled(cancelled, '2030-01-03T15:00:00.000Z'), { type: 'AttendeeInvited', data: { eventID: cancelled, userID: cy, invitedBy: host } }]],
  [series, [{ type: 'OccurrenceResponded', data: { eventID: series, userID: ann, originalStart: '2030-01-14T08:00:00.000Z', rsvpStatus: 'DECLINED' } }]],
  [single, [{ type: 'AttendeeUninvited', data: { eventID: single, userID: bob, uninvitedBy: host } }]],
  [cancelled, [{ type: 'CalendarEventCancelled', data: { eventID: cancelled, cancelledBy: host } }]],
  [series, [{ type: 'OccurrenceChanged', data: { eventID: series, originalStart: '2030-01-21T08:00:00.000Z', startTime: '2030-01-22T08:00:00.000Z', endTime: '2030-01-22T09:00:00.000Z', startDate: null, endDate: null, title: 'Moved', description: null, location: null } }]],
  [single, [{ type: 'CalendarEventRescheduled', data: { eventID: single, startTime: '2030-01-04T09:00:00.000Z', endTime: '2030-01-04T10:30:00.000Z', timeZone: 'Europe/Paris', allDay: false, startDate: null, endDate: null } }]],
];
const users = [host, ann, bob, cy];

async function append(store: EventStore, eventID: string, events: CalendarEventEvent[]): Promise<void> {
  await store.appendToStream(streamName('CalendarEvent', eventID), events.map((e) => ({
    eventID: randomUUID(), type: e.type, data: e.data,
    metadata: { actorID: host, occurredAt: '2029-12-01T00:00:00.000Z', correlationId: randomUUID(), schemaVersion: 1 },
  })), 'any');
}

/**
 * Everything under a prefix, prefix stripped, TTLs left out: what two builds of the views must agree on.
 * Not the longest busy interval (`:bd`): only a bound on how far back a busy read looks, it keeps the
 * largest ever written, so a build that saw an intermediate state may hold a larger one.
 */
async function dump(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}*`)).sort()) {
    if (key.endsWith(':bd')) continue;
    const type = await redis.type(key);
    out[key.slice(prefix.length)] =
      type === 'hash' ? await redis.hgetall(key) : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES') : await redis.get(key);
    // A view's change stamp differs with every build by design (seeded from the clock, moved by each write).
    if (key.endsWith(':bk')) delete (out[key.slice(prefix.length)] as Record<string, string>).n;
  }
  return out;
}

describe('the calendar views projector', () => {
  let db: SqlDatabase;
  let store: EventStore;
  let redis: Redis;
  let log: RecordedEvent[];
  /** The log as the live projector saw it: one batch per append. */
  const batches: RecordedEvent[][] = [];
  const prefixes: string[] = [];
  /** Projected while the streams grew, each batch right after its append, the one before it redelivered. */
  let live: { views: CalendarViews; prefix: string };
  const views = (): { views: CalendarViews; prefix: string } => {
    const prefix = `test:${randomUUID()}:cal:`;
    prefixes.push(prefix);
    // One clock for every build: a series' kept busy time is placed around it.
    return { views: redisCalendarViews(redis, { keyPrefix: prefix, clock: () => Date.parse('2029-12-01T00:00:00Z') }), prefix };
  };

  beforeAll(async () => {
    redis = calendarViewsRedisClient(TEST_REDIS_URL);
    await new Promise((resolve) => redis.once('ready', resolve));
    db = await pgliteSqlDatabase();
    store = await postgresEventStore(db);
    await db.exec(READ_MODEL_SCHEMA);
    live = views();
    const project = calendarViewsProjector({ store, views: live.views });
    let seen = START_OF_LOG;
    for (const [eventID, events] of steps) {
      await append(store, eventID, events);
      const batch = await store.readAll(seen, 100);
      const last = batch[batch.length - 1];
      if (last) seen = last.logPosition;
      await project(batch);
      const previous = batches[batches.length - 1];
      if (previous) await project(previous);
      batches.push(batch);
    }
    log = batches.flat();
  });
  afterAll(async () => {
    for (const prefix of prefixes) await redisCalendarViews(redis, { keyPrefix: prefix }).clear();
    await redis.quit();
    await db.close();
  });

  it('leaves Redis identical whether the log arrives live, once at the end, twice, or with stale repeats', async () => {
    const once = views();
    await calendarViewsProjector({ store, views: once.views })(log);
    const expected = await dump(redis, once.prefix);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(await dump(redis, live.prefix)).toEqual(expected);

    const project = calendarViewsProjector({ store, views: live.views });
    await project([...log, ...log]);
    for (const batch of batches.slice(0, 4).reverse()) await project(batch);
    expect(await dump(redis, live.prefix)).toEqual(expected);
  });

  it('folds streams the batch holds from their first event without reading the store, and re-reads the others', async () => {
    const read: string[] = [];
    const counting: EventStore = {
      ...store,
      readStream: (name) => (read.push(name), store.readStream(name)),
      readStreams: (reads) => (read.push(...reads.map((r) => r.streamName)), store.readStreams(reads)),
    };
    const whole = views();
    await calendarViewsProjector({ store: counting, views: whole.views })(log);
    expect(read).toEqual([]);
    const tail = log.slice(-1);
    await calendarViewsProjector({ store: counting, views: whole.views })(tail);
    expect(read).toEqual([tail[0]!.streamName]);
    expect(await dump(redis, whole.prefix)).toEqual(await dump(redis, live.prefix));
  });

  it('carries a stream on from the fold it kept of it, and re-reads a stream whose earlier events it has not seen', async () => {
    const read: string[] = [];
    const counting: EventStore = {
      ...store,
      readStream: (name) => (read.push(name), store.readStream(name)),
      readStreams: (reads) => (read.push(...reads.map((r) => r.streamName)), store.readStreams(reads)),
    };
    const following = views();
    const project = calendarViewsProjector({ store: counting, views: following.views });
    for (const batch of batches) await project(batch);
    // Every batch held what follows the folds this projector kept: nothing was read again.
    expect(read).toEqual([]);
    expect(await dump(redis, following.prefix)).toEqual(await dump(redis, live.prefix));

    const skipping = calendarViewsProjector({ store: counting, views: following.views });
    await skipping(batches[0]!);
    // The series' first events and the single event's third and fourth were never delivered to this one.
    await skipping(batches[3]!);
    await skipping(batches[6]!);
    expect(read).toEqual([streamName('CalendarEvent', series), streamName('CalendarEvent', single)]);
    expect(await dump(redis, following.prefix)).toEqual(await dump(redis, live.prefix));
  });

  it('holds what the PostgreSQL read model holds, checksum for checksum, removals and answers included', async () => {
    const { views: rebuilt, prefix } = views();
    await calendarViewsProjector({ store, views: rebuilt })(log);
    await readModelProjector(db)(log);

    const fromReadModel = inMemoryCalendarViews();
    for (const user of users) {
      const entries = await readModelViewEntries(db, user, new Date(0), 1000);
      await fromReadModel.backfill(user, entries ?? [], new Date(0));
      expect(await calendarViewChecksum(rebuilt, user)).toBe(await calendarViewChecksum(fromReadModel, user));
    }

    const titles = async (user: string) => (await rebuilt.entries(user)).map((e) => [e.row.event.eventID, e.row.rsvpStatus, e.version]);
    expect(await titles(ann)).toEqual([[single, 'DECLINED', 6], [series, 'ACCEPTED', 5]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(await titles(bob)).toEqual([]);
    expect(await titles(cy)).toEqual([]);
    expect((await rebuilt.entries(ann)).find((e) => e.row.event.eventID === series)?.row.occurrenceResponses).toEqual({ '2030-01-14T08:00:00.000Z': 'DECLINED' });
    // Bob's removal is kept as a tombstone at the stream's latest version, so no stale row can come back.
    expect(await redis.hget(`${prefix}{${bob}}:v`, single)).toBe('6');
  });
});
