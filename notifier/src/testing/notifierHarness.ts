import { randomBytes, randomUUID } from 'node:crypto';
import { compareLogPositions, type LogPosition, START_OF_LOG, calendarEventStreamName, userStreamName } from '@datebook/shared-kernel';
import { jwtTokenService, serviceApp } from '@datebook/shared-kernel/http';
import { type EventSource, type EventStore, postgresEventStore, type SqlDatabase, storeTailingEventSource } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import pino from 'pino';
import request from 'supertest';
import { NOTIFIER_CONSUMER_GROUP, type NotifierOptions, type NotifierService, notifierService } from '../app';
import type { MailTransport } from '../email/mailTransport';
import { smtpMailTransport } from '../email/smtpMailTransport';
import { type PushReceiver, startPushReceiver } from './pushReceiver';
import { type SmtpSink, startSmtpSink } from './smtpSink';

/** Quick loops so tests (and benchmarks) do not wait on poll intervals. */
export const FAST_OPTIONS: Partial<NotifierOptions> = {
  reminderTickMs: 50,
  senderPollMs: 50,
  syncPollMs: 100,
  leaseMs: 2_000,
  retry: { baseMs: 100, maxMs: 400, giveUpAfterMs: 60_000 },
  shutdownGraceMs: 200,
};

export interface HarnessOptions {
  /** 'postgres' uses a throw-away database on the test server; default PGlite in memory. */
  database?: 'pglite' | 'postgres';
  rejectRecipients?: RegExp;
  options?: Partial<NotifierOptions>;
  /** Most events the source hands over at once (default: the store-tailing source's 500). */
  batchSize?: number;
  /** Wraps the event source the notifier subscribes to (a benchmark times the handler's deliveries). */
  wrapSource?: (source: EventSource) => EventSource;
}

/**
 * A whole notifier on a real store, a real SMTP server process and a local push service, plus
 * helpers that append what the command side would. Benchmarks use it too: `sink.received()` carries
 * the SMTP acceptance time of every message.
 */
export async function startNotifierHarness(harness: HarnessOptions = {}) {
  let testDatabase: TestDatabase | undefined;
  let db: SqlDatabase;
  if (harness.database === 'postgres') {
    testDatabase = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDatabase.url, max: 8 });
  } else {
    db = await pgliteSqlDatabase();
  }
  const store: EventStore = await postgresEventStore(db);
  const tailing = await storeTailingEventSource(store, db, { pollIntervalMs: 50, retryDelayMs: 100, ...(harness.batchSize ? { batchSize: harness.batchSize } : {}) });
  const source = harness.wrapSource ? harness.wrapSource(tailing) : tailing;
  const sink: SmtpSink = await startSmtpSink(harness.rejectRecipients ? { rejectRecipients: harness.rejectRecipients } : {});
  const pushService: PushReceiver = await startPushReceiver();
  const logger = pino({ level: process.env.NOTIFIER_TEST_LOG ?? 'silent' });
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  // Sessions outlive every move of the clock a test makes (weeks), so moving it never signs anyone out.
  const tokens = jwtTokenService(randomBytes(32).toString('base64url'), 60 * 86_400, clock);

  let service: NotifierService | undefined;
  let mailer: MailTransport | undefined;
  let http = () => request(serviceApp({ logger, routers: [], routeDocs: [], ready: async () => undefined }));

  /** Starts a notifier process on the shared database; `mail` replaces the SMTP transport. */
  async function startNotifier(overrides: { mail?: MailTransport; options?: Partial<NotifierOptions> } = {}): Promise<NotifierService> {
    mailer = overrides.mail ?? smtpMailTransport(sink.url, { timeoutMs: 2_000, maxConnections: 5 });
    // The local push receiver is on loopback, which the notifier refuses unless allowed: allow exactly it.
    const pushAllowedHosts = [new URL(pushService.origin).host];
    const started = notifierService({ store, database: db, source, mailer, tokens, clock, logger, options: { ...FAST_OPTIONS, pushAllowedHosts, ...harness.options, ...overrides.options } });
    await started.start();
    service = started;
    const app = serviceApp({ logger, routers: [started.router], routeDocs: started.routeDocs, ready: async () => undefined });
    http = () => request(app);
    return started;
  }

  /** Stops the running notifier as a shutdown would (in-flight sends get the grace period, then are abandoned). */
  async function stopNotifier(): Promise<void> {
    await service?.stop();
    service = undefined;
    await mailer?.close();
  }

  let lastAppended: LogPosition = START_OF_LOG;
  async function append(stream: string, type: string, data: unknown, actorID: string, occurredAt = clock()): Promise<void> {
    const { logPosition } = await store.appendToStream(stream, [{ eventID: randomUUID(), type, data, metadata: { actorID, occurredAt: occurredAt.toISOString(), correlationId: randomUUID(), schemaVersion: 1 } }], 'any');
    if (compareLogPositions(logPosition, lastAppended) > 0) lastAppended = logPosition;
  }

  /** A user as sign-up leaves one, and (unless `verified: false`) as following the verification link leaves them. */
  async function registerUser(name: string, options: { email?: string; timeZone?: string; verified?: boolean } = {}) {
    const userID = randomUUID();
    const email = options.email ?? `${name.toLowerCase()}.${randomBytes(3).toString('hex')}@example.com`;
    await append(userStreamName(userID), 'UserRegistered', { userID, userName: name, email, passwordHash: 'scrypt$x', timeZone: options.timeZone ?? 'Europe/Berlin' }, userID);
    if (options.verified !== false) await append(userStreamName(userID), 'EmailVerified', { userID, email }, userID);
    const token = tokens.issue(userID, clock()).token;
    return { userID, name, email, auth: { Authorization: `Bearer ${token}` } };
  }

  const calendarEvent = (eventID: string) => calendarEventStreamName(eventID);

  async function scheduleEvent(host: { userID: string }, input: { start: Date; minutes?: number; title?: string; invite?: { userID: string }[]; recurrence?: string[]; accepted?: boolean }) {
    const eventID = randomUUID();
    const end = new Date(input.start.getTime() + (input.minutes ?? 60) * 60_000);
    await append(calendarEvent(eventID), 'CalendarEventScheduled', {
      eventID, hostID: host.userID, title: input.title ?? 'Planning', description: 'Agenda: budget', location: 'Room 1',
      startTime: input.start.toISOString(), endTime: end.toISOString(), timeZone: 'Europe/Berlin', recurrence: input.recurrence ?? [],
    }, host.userID);
    for (const guest of input.invite ?? []) await append(calendarEvent(eventID), 'AttendeeInvited', { eventID, userID: guest.userID, invitedBy: host.userID }, host.userID);
    // Guests who accepted at once (reminders go only to people who said yes).
    if (input.accepted) for (const guest of input.invite ?? []) await append(calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: guest.userID }, guest.userID);
    return eventID;
  }

  /** The value `read` gives once `check` holds it (`pollUntil`); rejects with the last value after `timeoutMs`. */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    let value: T | undefined;
    await pollUntil(async () => check((value = await read())), { timeoutMs, pollMs: 25, what: () => `the awaited value (last: ${JSON.stringify(value)})` });
    return value as T;
  }

  /**
   * Resolves once the notifier has handled every event appended so far (its checkpoint is at or past the
   * last one) and nothing it recorded waits to go out (no pending ledger entry, no due reminder timer):
   * the positive marker after which a test may assert that nothing else was sent, instead of sleeping.
   */
  async function settled(timeoutMs = 10_000): Promise<void> {
    await eventually(async () => {
      const { rows: [checkpoint] } = await db.query<{ t: string; p: string }>(
        'select transaction_id::text as t, position::text as p from consumer_checkpoints where consumer_group = $1', [NOTIFIER_CONSUMER_GROUP]);
      const handled = checkpoint ? { transactionId: BigInt(checkpoint.t), position: BigInt(checkpoint.p) } : START_OF_LOG;
      if (compareLogPositions(handled, lastAppended) < 0) return `the notifier has handled events up to ${checkpoint?.p ?? 'none'}`;
      const { rows: [waiting] } = await db.query<{ pending: number; due: number }>(
        `select (select count(*) from notifier_ledger where status = 'pending')::int as pending,
                (select count(*) from notifier_reminders where fire_at <= $1::timestamptz)::int as due`, [clock().toISOString()]);
      return waiting?.pending === 0 && waiting.due === 0 ? 'settled' : `${waiting?.pending} pending, ${waiting?.due} due`;
    }, (state) => state === 'settled', timeoutMs);
  }

  async function ledger(eventID: string) {
    const { rows } = await db.query<{ recipient: string; channel: string; kind: string; status: string; attempts: number; late: boolean; last_error: string | null; occurrence: string }>(
      'select recipient::text, channel, kind, status, attempts, late, last_error, occurrence from notifier_ledger where event_id = $1 order by id',
      [eventID],
    );
    return rows;
  }

  return {
    db,
    store,
    sink,
    pushService,
    tokens,
    http: () => http(),
    startNotifier,
    stopNotifier,
    get service() {
      return service;
    },
    append,
    calendarEvent,
    registerUser,
    scheduleEvent,
    eventually,
    settled,
    ledger,
    /** Moves the notifier's clock (not the test's) forward. */
    advanceClock(ms: number) {
      offsetMs += ms;
    },
    clock,
    async close() {
      await stopNotifier();
      await sink.close();
      await pushService.close();
      await db.close();
      await testDatabase?.drop();
    },
  };
}
export type NotifierHarness = Awaited<ReturnType<typeof startNotifierHarness>>;
