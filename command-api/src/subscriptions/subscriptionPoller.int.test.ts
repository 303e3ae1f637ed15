import { randomUUID } from 'node:crypto';
import { DomainError } from '@datebook/shared-kernel';
import { type EventStore, postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import pino from 'pino';
import { calendarService } from '../calendars/calendarService';
import type { SourceFetchResult } from './sourceFetch';
import { subscriptionPoller } from './subscriptionPoller';
import type { SyncOutcome } from './subscriptionSync';

const MINUTE = 60_000;

/** The schedule, driven by a clock the test moves: which subscriptions are polled when, and what a failure does. */
describe('the subscription poller', () => {
  let db: SqlDatabase;
  let store: EventStore;
  let now: number;
  const clock = () => new Date(now);
  const owner = randomUUID();

  /** A subscribed calendar as the store and the projector leave it (rm_calendars is the projector's; written here as it writes it). */
  async function subscribed(url: string, syncedAt?: string): Promise<string> {
    const calendarID = randomUUID();
    const calendars = calendarService(store);
    const context = { actorID: owner, now: clock(), correlationId: 'test' };
    await calendars.run(calendarID, { type: 'SubscribeToCalendar', data: { calendarID, ownerID: owner, summary: url, description: null, timeZone: 'UTC', url } }, context);
    if (syncedAt) await calendars.run(calendarID, { type: 'RecordSubscriptionSync', data: { etag: null, lastModified: null, contentHash: 'h', syncedAt } }, context);
    await db.query(
      `insert into rm_calendars (calendar_id, owner_id, is_primary, summary, status, time_zone, version, subscription_url) values ($1, $2, false, $3, 'active', 'UTC', 2, $3)`,
      [calendarID, owner, url],
    );
    return calendarID;
  }

  function recordingPoller(fail: Set<string> = new Set(), options = {}) {
    const polled: string[] = [];
    const poller = subscriptionPoller({
      store, readModel: db, clock, logger: pino({ level: 'silent' }),
      options: { intervalMs: 15 * MINUTE, minRefreshMs: 10_000, ...options },
      async sync(calendarID: string, fetched?: SourceFetchResult): Promise<SyncOutcome> {
        polled.push(calendarID);
        if (fail.has(calendarID)) throw new DomainError('SUBSCRIPTION_FETCH_FAILED', 'the source answered 500');
        return fetched ? { status: 'unchanged' } : { status: 'notModified' };
      },
    });
    return { poller, polled };
  }

  beforeEach(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
    store = await postgresEventStore(db);
    now = Date.parse('2030-01-01T12:00:00Z');
  });
  afterEach(async () => {
    await db.close();
  });

  it('polls a subscription never synced at once, one synced lately an interval after that sync, and each again an interval later', async () => {
    const fresh = await subscribed('https://a.example/cal.ics');
    const lately = await subscribed('https://b.example/cal.ics', new Date(now - 5 * MINUTE).toISOString());
    const { poller, polled } = recordingPoller();
    expect((await poller.pollDue()).map((r) => r.calendarID)).toEqual([fresh]);
    now += 9 * MINUTE;
    expect(await poller.pollDue()).toEqual([]);
    now += 1 * MINUTE;
    expect(await poller.pollDue()).toEqual([{ calendarID: lately, outcome: { status: 'notModified' } }]);
    now += 5 * MINUTE;
    expect((await poller.pollDue()).map((r) => r.calendarID)).toEqual([fresh]);
    expect(polled).toEqual([fresh, lately, fresh]);
  });

  it('leaves a failing source alone longer each time, and goes back to the interval once it answers', async () => {
    const failing = await subscribed('https://down.example/cal.ics');
    const fail = new Set([failing]);
    const { poller, polled } = recordingPoller(fail);
    const [first] = await poller.pollDue();
    expect(first?.error).toBeInstanceOf(DomainError);
    now += 15 * MINUTE;
    expect(await poller.pollDue()).toHaveLength(1); // second failure: next in 30 minutes
    now += 29 * MINUTE;
    expect(await poller.pollDue()).toEqual([]);
    now += 1 * MINUTE;
    fail.clear();
    expect(await poller.pollDue()).toEqual([{ calendarID: failing, outcome: { status: 'notModified' } }]);
    now += 15 * MINUTE;
    expect(await poller.pollDue()).toHaveLength(1);
    expect(polled).toHaveLength(4);
  });

  it('a refresh polls now, refuses another right away (429, with how long to wait), and joins a poll under way', async () => {
    const calendarID = await subscribed('https://c.example/cal.ics');
    const { poller, polled } = recordingPoller();
    expect(await poller.pollNow(calendarID)).toEqual({ status: 'notModified' });
    now += 4_000;
    await expect(poller.pollNow(calendarID)).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 6 });
    expect(polled).toHaveLength(1);
    now -= 4_000;
    now += 10_000;
    const [a, b] = await Promise.all([poller.pollNow(calendarID), poller.pollNow(calendarID)]);
    expect(a).toBe(b);
    expect(polled).toHaveLength(2);
    // Content fetched already (a new subscription's first import) is always used.
    expect(await poller.pollNow(calendarID, { status: 'fetched', body: '', etag: null, lastModified: null })).toEqual({ status: 'unchanged' });
  });

  it('takes the list a page at a time, in turn, so each wake-up does bounded work', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await subscribed(`https://p${i}.example/cal.ics`));
    const { poller, polled } = recordingPoller(new Set(), { pageSize: 2 });
    for (let i = 0; i < 4; i++) await poller.pollDue();
    expect([...polled].sort()).toEqual([...ids].sort());
  });

  it('wakes up by itself once started, and stops', async () => {
    const calendarID = await subscribed('https://d.example/cal.ics');
    const { poller, polled } = recordingPoller(new Set(), { checkEveryMs: 10 });
    poller.start();
    await pollUntil(() => polled.includes(calendarID), { timeoutMs: 5_000, what: 'a poll by the running poller' });
    await poller.stop();
  });
});
