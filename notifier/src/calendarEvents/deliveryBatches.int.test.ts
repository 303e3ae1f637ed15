import { randomUUID } from 'node:crypto';
import { calendarEventStreamName, compareLogPositions, type RecordedEvent, userStreamName } from '@datebook/shared-kernel';
import { type EventStore, type EventToAppend, postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import pino from 'pino';
import { addressRecipientID } from '../calendars/addressRecipientID';
import { SENDER_RATE_LIMITED } from '../ledger/senderMailLimit';
import { NOTIFIER_SCHEMA } from '../notifierSchema';
import { SYNC_SCHEMA } from '../sync/syncSchema';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { UNVERIFIED_ADDRESS } from '../users/unverifiedAddresses';
import { userDirectory } from '../users/userDirectory';
import { calendarEventReactor } from './calendarEventReactor';

const NOW = Date.parse('2030-05-01T08:00:00.000Z');
const MINUTE = 60_000;
const STALE_AFTER_MS = 7 * 24 * 60 * MINUTE;

const id = () => randomUUID();
const users = { ada: id(), ann: id(), ben: id(), cyd: id(), dan: id(), eve: id() };
const unverified = new Set([users.cyd]);
const annDevice = id();
const [eventA, eventB, eventC] = [id(), id(), id()];
const guestAddress = 'guest@elsewhere.example';

/** One command: its events appended together, with one correlation id and time (one command, one SEQUENCE). */
interface Command {
  stream: string;
  events: EventToAppend[];
}
function command(stream: string, actorID: string, minutesAgo: number, events: { type: string; data: unknown }[]): Command {
  const metadata = { actorID, occurredAt: new Date(NOW - minutesAgo * MINUTE).toISOString(), correlationId: id(), schemaVersion: 1 };
  return { stream, events: events.map((e) => ({ eventID: id(), type: e.type, data: e.data, metadata })) };
}
const scheduled = (eventID: string, hostID: string, start: string, title: string) => ({
  type: 'CalendarEventScheduled',
  data: { eventID, hostID, title, description: null, location: 'Room 1', startTime: start, endTime: new Date(Date.parse(start) + 60 * MINUTE).toISOString(), timeZone: 'Europe/Berlin', recurrence: [] },
});
const invited = (eventID: string, userID: string, by: string) => ({ type: 'AttendeeInvited', data: { eventID, userID, invitedBy: by } });

/**
 * Several commands on interleaved streams, as one delivery brings them: a booking (with a guest whose address
 * is unconfirmed and one invited by address), an answer, a move-and-rename (two events, one command), a guest
 * removed, a cancellation; another host's booking and a decline; a booking made long ago (stale). The host
 * may send 4 e-mails an hour: the limit is crossed inside the delivery.
 */
const commands: Command[] = [
  ...Object.entries(users).map(([name, userID]) => command(userStreamName(userID), userID, 60, [
    { type: 'UserRegistered', data: { userID, userName: name, email: `${name}@example.com`, passwordHash: 'scrypt$x', timeZone: 'Europe/Berlin' } },
    ...(unverified.has(userID) ? [] : [{ type: 'EmailVerified', data: { userID, email: `${name}@example.com` } }]),
  ])),
  command(calendarEventStreamName(eventA), users.ada, 30, [
    scheduled(eventA, users.ada, '2030-05-10T09:00:00.000Z', 'Planning'), invited(eventA, users.ann, users.ada), invited(eventA, users.ben, users.ada), invited(eventA, users.cyd, users.ada),
    { type: 'ExternalAttendeeInvited', data: { eventID: eventA, email: guestAddress, optional: false, invitedBy: users.ada } },
  ]),
  command(calendarEventStreamName(eventB), users.eve, 29, [scheduled(eventB, users.eve, '2030-05-11T09:00:00.000Z', 'Review'), invited(eventB, users.ann, users.eve), invited(eventB, users.dan, users.eve)]),
  command(calendarEventStreamName(eventA), users.ann, 28, [{ type: 'InvitationAccepted', data: { eventID: eventA, userID: users.ann } }]),
  command(calendarEventStreamName(eventC), users.ada, 10 * 24 * 60, [scheduled(eventC, users.ada, '2030-05-12T09:00:00.000Z', 'Old news'), invited(eventC, users.ben, users.ada)]),
  command(calendarEventStreamName(eventA), users.ada, 27, [
    { type: 'CalendarEventRescheduled', data: { eventID: eventA, startTime: '2030-05-10T11:00:00.000Z', endTime: '2030-05-10T12:00:00.000Z', timeZone: 'Europe/Berlin' } },
    { type: 'CalendarEventDetailsChanged', data: { eventID: eventA, title: 'Planning (moved)', description: 'Agenda', location: 'Room 2' } },
  ]),
  command(calendarEventStreamName(eventB), users.dan, 26, [{ type: 'InvitationDeclined', data: { eventID: eventB, userID: users.dan } }]),
  command(calendarEventStreamName(eventA), users.ada, 25, [{ type: 'AttendeeUninvited', data: { eventID: eventA, userID: users.ben, uninvitedBy: users.ada } }]),
  command(calendarEventStreamName(eventA), users.ada, 24, [{ type: 'CalendarEventCancelled', data: { eventID: eventA, cancelledBy: users.ada } }]),
];

interface Notifier {
  testDatabase: TestDatabase;
  db: SqlDatabase;
  store: EventStore;
  delivery: RecordedEvent[];
  reactor(db?: SqlDatabase): ReturnType<typeof calendarEventReactor>;
}

/** A fresh database with the store holding the commands and the notifier's tables (Ann has a device); the reactor is driven by hand. */
async function freshNotifier(): Promise<Notifier> {
  const testDatabase = await createTestDatabase();
  const db = pgSqlDatabase({ connectionString: testDatabase.url, max: 8 });
  const store = await postgresEventStore(db);
  await db.exec(NOTIFIER_SCHEMA);
  await db.exec(SYNC_SCHEMA);
  await db.query(`insert into notifier_devices (device_id, user_id, endpoint, p256dh, auth, created_at) values ($1, $2, 'https://push.example/ann', 'key', 'auth', now())`, [annDevice, users.ann]);
  for (const { stream, events } of commands) await store.appendToStream(stream, events, 'any');
  // In log order, as the source delivers them (read by stream: the log's tail waits for every transaction on the server).
  const streams = await store.readStreams([eventA, eventB, eventC].map((eventID) => ({ streamName: calendarEventStreamName(eventID) })));
  const delivery = streams.flatMap((s) => s.events).sort((a, b) => compareLogPositions(a.logPosition, b.logPosition));
  const reactor = (on: SqlDatabase = db) =>
    calendarEventReactor({
      db: on, store, directory: userDirectory(on, store), clock: () => new Date(NOW), logger: pino({ level: 'silent' }),
      staleAfterMs: STALE_AFTER_MS, mailPerSender: { perHour: 4, perDay: 100 },
    });
  return { testDatabase, db, store, delivery, reactor };
}

/** Everything the notifier wrote, in the order it wrote it (ledger and feed by their sequence). */
async function outcome(db: SqlDatabase) {
  const { rows: ledger } = await db.query(
    'select event_id::text, occurrence, recipient::text, channel, device_id, kind, status, last_error, actor, payload from notifier_ledger order by id',
  );
  const { rows: reminders } = await db.query(
    'select event_id::text, occurrence_start, user_id::text, method, minutes, fire_at from notifier_reminders order by event_id, occurrence_start, user_id, method, minutes',
  );
  const { rows: feed } = await db.query('select user_id::text, event_id::text, change from notifier_changes order by seq');
  const { rows: states } = await db.query('select event_id::text, version, state from notifier_calendar_events order by event_id');
  return { ledger, reminders, feed, states };
}
type Outcome = Awaited<ReturnType<typeof outcome>>;
const sorted = (rows: Record<string, unknown>[]) => rows.map((row) => JSON.stringify(row)).sort();

describe('CalendarEvent events handled a delivery at a time', () => {
  let oneByOne: Notifier;
  let together: Notifier;
  let expected: Outcome;
  beforeAll(async () => {
    [oneByOne, together] = await Promise.all([freshNotifier(), freshNotifier()]);
    // One at a time, each delivered alone (its command's end read from the store), as after a failed batch.
    const react = oneByOne.reactor();
    for (const recorded of oneByOne.delivery) await react([recorded], [recorded]);
    expected = await outcome(oneByOne.db);
  });
  afterAll(async () => {
    for (const n of [oneByOne, together]) {
      await n.db.close();
      await n.testDatabase.drop();
    }
  });

  test('one event at a time records this delivery as people expect it', () => {
    const email = (recipient: string, kind: string) => expected.ledger.filter((r) => r.channel === 'email' && r.recipient === recipient && String(r.kind).startsWith(kind));
    // Per command: the move-and-rename is one update per guest, not two.
    expect(email(users.ann, 'update@').map((r) => r.kind)).toEqual([`update@8`]);
    expect(email(users.ada, 'reply@')).toHaveLength(1);
    expect(email(users.ben, 'cancellation@')).toHaveLength(1);
    expect(email(users.cyd, 'invitation@').map((r) => r.last_error)).toEqual([UNVERIFIED_ADDRESS]);
    expect(email(users.ben, 'invitation@').map((r) => [r.event_id, r.status, r.last_error])).toContainEqual([eventC, 'skipped', `the change is older than ${STALE_AFTER_MS} ms`]);
    // Ada's fifth e-mail of the hour is held back; Eve's are her own.
    expect(expected.ledger.filter((r) => r.actor === users.ada && r.last_error === SENDER_RATE_LIMITED).length).toBeGreaterThan(0);
    expect(email(addressRecipientID(guestAddress), 'invitation@')).toHaveLength(1);
    expect(expected.ledger.filter((r) => r.channel === 'push' && r.device_id === annDevice).length).toBeGreaterThanOrEqual(3);
    // Skipped e-mails keep their address only; those to be sent are rendered whole.
    expect(email(users.cyd, 'invitation@')[0]?.payload).toEqual({ to: 'cyd@example.com' });
    expect(email(users.ann, 'invitation@')[0]?.payload).toMatchObject({ to: 'ann@example.com', subject: expect.stringMatching(/^Invitation: Planning @ /), calendar: { method: 'REQUEST' } });
    expect(expected.reminders.length).toBeGreaterThan(0);
    expect(expected.feed.length).toBeGreaterThan(0);
  });

  test('the whole delivery at once records exactly what one event at a time records, in the same order', async () => {
    const committed = await together.reactor()(together.delivery);
    expect(committed.notifications).toBe(expected.ledger.length);
    expect(committed.changes).toBe(expected.feed.length);
    expect(await outcome(together.db)).toEqual(expected);
  });

  test('a delivery handed over again (a redelivery after a crash or a rebalance) records nothing twice', async () => {
    expect(await together.reactor()(together.delivery)).toEqual({ notifications: 0, changes: 0 });
    // Its second half again, on its own, and each event alone.
    const react = together.reactor();
    expect(await react(together.delivery.slice(6), together.delivery)).toEqual({ notifications: 0, changes: 0 });
    for (const recorded of together.delivery) expect(await react([recorded])).toEqual({ notifications: 0, changes: 0 });
    expect(await outcome(together.db)).toEqual(expected);
  });

  test('a delivery that fails before its commit leaves nothing; handed over again, it records everything once', async () => {
    const crashing = await freshNotifier();
    try {
      let crashed = false;
      // The connection is lost while the feed rows are written: the transaction never commits.
      const failOnce: SqlDatabase = {
        ...crashing.db,
        query: (text, params) => crashing.db.query(text, params),
        transaction: (work) =>
          crashing.db.transaction((tx) =>
            work({
              query(text, params) {
                if (!crashed && text.includes('insert into notifier_changes')) {
                  crashed = true;
                  throw new Error('Connection terminated unexpectedly');
                }
                return tx.query(text, params);
              },
            }),
          ),
      };
      await expect(crashing.reactor(failOnce)(crashing.delivery)).rejects.toThrow('Connection terminated unexpectedly');
      const nothing = await outcome(crashing.db);
      expect([nothing.ledger, nothing.feed, nothing.states, nothing.reminders]).toEqual([[], [], [], []]);
      await crashing.reactor(failOnce)(crashing.delivery);
      expect(await outcome(crashing.db)).toEqual(expected);
    } finally {
      await crashing.db.close();
      await crashing.testDatabase.drop();
    }
  });

  test('two consumers handling the same delivery at once (a rebalance) record every notification and feed row once', async () => {
    const shared = await freshNotifier();
    try {
      await Promise.all([shared.reactor()(shared.delivery), shared.reactor()(shared.delivery), shared.reactor()(shared.delivery)]);
      const got = await outcome(shared.db);
      expect(sorted(got.ledger)).toEqual(sorted(expected.ledger));
      expect(sorted(got.feed)).toEqual(sorted(expected.feed));
      expect(got.states).toEqual(expected.states);
      expect(got.reminders).toEqual(expected.reminders);
    } finally {
      await shared.db.close();
      await shared.testDatabase.drop();
    }
  });
});

describe('an event that cannot be read in the middle of a delivery', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ database: 'postgres' });
  });
  afterAll(async () => {
    await h.close();
  });

  test('is parked alone; every other event of the delivery is handled, and each e-mail sent once', async () => {
    const host = await h.registerUser('Ida');
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const start = new Date(Math.ceil((Date.now() + 3 * 24 * 3_600_000) / MINUTE) * MINUTE);
    // All appended before the notifier starts: they reach it in one delivery.
    const first = await h.scheduleEvent(host, { start, invite: [ann], title: 'First' });
    await h.append(h.calendarEvent(first), 'AttendeeInvited', { eventID: first, userID: 'not-a-user-id', invitedBy: host.userID }, host.userID);
    await h.append(h.calendarEvent(first), 'CalendarEventDetailsChanged', { eventID: first, title: 'First, renamed', description: null, location: null }, host.userID);
    const second = await h.scheduleEvent(host, { start, invite: [ben], title: 'Second' });
    await h.startNotifier();

    await h.settled(30_000);
    const { rows: parked } = await h.db.query<{ stream_name: string; stream_version: string }>('select stream_name, stream_version::text from parked_events');
    expect(parked).toEqual([{ stream_name: h.calendarEvent(first), stream_version: '3' }]);
    const emails = async (eventID: string) => (await h.ledger(eventID)).filter((r) => r.channel === 'email').map((r) => [r.recipient, r.kind.split('@')[0], r.status]);
    expect(await emails(first)).toEqual([[ann.userID, 'invitation', 'sent'], [ann.userID, 'update', 'sent']]);
    expect(await emails(second)).toEqual([[ben.userID, 'invitation', 'sent']]);
    expect(h.sink.received()).toHaveLength(3);
  });
});
