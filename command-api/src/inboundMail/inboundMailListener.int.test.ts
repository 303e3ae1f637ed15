import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { calendarEventDecider, calendarEventStreamName, replyAddresses } from '@datebook/shared-kernel';
import { type EventStore, postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import pino from 'pino';
import { handleCommand } from '../commandHandling/handleCommand';
import { inboundMailService } from './inboundMailConfig';
import { fixtureMessage } from './testing/fixtureMessage';
import { smtpSender } from './testing/smtpSender';

const DOMAIN = 'inbound.datebook.test';

/**
 * The listener over a real PostgreSQL store. No accepted answer is lost: while the store cannot be reached
 * it answers 451 (RFC 5321 §4.2.5), the sending mail system keeps the message and tries again, and the
 * retry is recorded. Behind a local MTA it speaks LMTP, answering each recipient on its own.
 */
describe('the inbound mail listener over PostgreSQL', () => {
  const codec = replyAddresses({ secret: randomBytes(32).toString('base64url'), domain: DOMAIN });
  let database: TestDatabase;
  let db: SqlDatabase;
  const lines: { msg: string; reason?: string; outcome?: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = () => new URL(database.url).pathname.slice(1);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 2, connectionTimeoutMillis: 2_000 });
  });
  afterAll(async () => {
    await admin(`alter database ${name()} allow_connections true`).catch(() => undefined);
    await db?.close();
    await database?.drop();
  });

  /** An event with Dan invited by address, straight through the command handler. */
  async function eventWithDan(store: EventStore) {
    const [hostID, eventID, dan] = [randomUUID(), randomUUID(), `dan.${randomBytes(3).toString('hex')}@example.com`];
    await handleCommand(store, calendarEventStreamName(eventID), calendarEventDecider, {
      type: 'ScheduleEvent',
      data: {
        eventID, hostID, access: { calendarID: hostID, role: 'owner' }, title: 'Planning', description: null, location: null, recurrence: [], invitedUserIDs: [],
        timing: { startTime: '2030-06-04T08:00:00.000Z', endTime: '2030-06-04T09:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null },
        externalAttendees: [{ email: dan, optional: false }],
      },
    }, { actorID: hostID, now: new Date(), correlationId: randomUUID() });
    return { eventID, dan };
  }
  const answersOf = async (store: EventStore, eventID: string) =>
    (await store.readStream(calendarEventStreamName(eventID))).events.filter((e) => e.type === 'ExternalAttendeeResponded').map((e) => e.data);

  it('answers 451 so the sender retries, and records the retried answer once the store is back; refusals are logged with their reason', async () => {
    const store = await postgresEventStore(db);
    const { eventID, dan } = await eventWithDan(store);
    const listener = inboundMailService({ replyAddresses: codec, port: 0, host: '127.0.0.1', protocol: 'smtp' }, { store, clock: () => new Date(), logger });
    const smtp = smtpSender(await listener.start());
    try {
      const values = { REPLY_ADDRESS: codec.addressFor(eventID, dan), ATTENDEE: dan, UID: `${eventID}@datebook`, SEQUENCE: 0 };
      // A refusal is logged with its reason.
      expect((await smtp.send('outlook-counter', values)).code).toBe(550);
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'answer by mail refused', reason: 'COUNTER_NOT_ACCEPTED', eventID }));

      // The store goes away: no connection is allowed and the open ones are ended.
      await admin(`alter database ${name()} allow_connections false`);
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name()}'`);
      expect(await smtp.send('gmail-tentative', values)).toEqual({ code: 451, text: expect.stringContaining('try again later') });
      expect(lines).toContainEqual(expect.objectContaining({ outcome: 'retry', eventID }));

      // It is back: the sender's retry is recorded.
      await admin(`alter database ${name()} allow_connections true`);
      await pollUntil(async () => (await smtp.send('gmail-tentative', values)).code === 250, { timeoutMs: 15_000, pollMs: 200, what: 'the retried answer accepted' });
      expect(await answersOf(store, eventID)).toEqual([{ eventID, email: dan, rsvpStatus: 'TENTATIVE' }]);
    } finally {
      smtp.close();
      await listener.stop();
    }
  });

  it('over LMTP (RFC 2033), behind a local MTA: one reply per recipient of a message', async () => {
    const store = await postgresEventStore(db);
    const { eventID, dan } = await eventWithDan(store);
    const listener = inboundMailService({ replyAddresses: codec, port: 0, host: '127.0.0.1', protocol: 'lmtp' }, { store, clock: () => new Date(), logger });
    const transport = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: await listener.start(), ignoreTLS: true });
    try {
      const good = codec.addressFor(eventID, dan);
      const forged = replyAddresses({ secret: randomBytes(32).toString('base64url'), domain: DOMAIN }).addressFor(eventID, dan);
      const raw = fixtureMessage('gmail-tentative', { REPLY_ADDRESS: good, ATTENDEE: dan, UID: `${eventID}@datebook`, SEQUENCE: 0 });
      const info = await transport.sendMail({ envelope: { from: dan, to: [good, forged] }, raw });
      expect(info.accepted).toEqual([good]);
      expect(info.rejected).toEqual([forged]);
      expect(await answersOf(store, eventID)).toEqual([{ eventID, email: dan, rsvpStatus: 'TENTATIVE' }]);
    } finally {
      transport.close();
      await listener.stop();
    }
  });
});
