import { randomBytes, randomUUID } from 'node:crypto';
import { calendarEventStreamName, userStreamName } from '@datebook/shared-kernel';
import { jwtTokenService, serviceApp } from '@datebook/shared-kernel/http';
import { type EventStore, postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import pino from 'pino';
import request from 'supertest';
import { commandApi } from '../app';

/** The store, recording the name of every stream read (each stream of a `readStreams` call too). */
function recordingReads(store: EventStore) {
  let streams: string[] = [];
  const recorded: EventStore = {
    firstVersion: store.firstVersion,
    appendToStream: (name, events, expected) => store.appendToStream(name, events, expected),
    appendNewStreams: (news) => store.appendNewStreams(news),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
    readStream(name, afterVersion) {
      streams.push(name);
      return store.readStream(name, afterVersion);
    },
    readStreams(reads) {
      streams.push(...reads.map((r) => r.streamName));
      return store.readStreams(reads);
    },
  };
  return { store: recorded, take: () => [streams, (streams = [])][0]! };
}

/**
 * What a booking reads of the store: it reads what it does not know, once. A new event's stream does not exist
 * yet; the state a write route loaded is the state its command is decided on; an invitee seen to exist stays so.
 */
describe('the reads of the booking routes', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let reads: ReturnType<typeof recordingReads>;
  let http: () => ReturnType<typeof request>;
  let register: (name: string) => Promise<string>;
  let authOf: (userID: string) => { Authorization: string };
  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 4 });
    const store = await postgresEventStore(db);
    reads = recordingReads(store);
    const tokens = jwtTokenService(randomBytes(32).toString('base64url'), 3600, () => new Date());
    const api = commandApi({ store: reads.store, tokens, clock: () => new Date(), logger: pino({ level: 'silent' }), busy: async (userIDs) => new Map(userIDs.map((id) => [id, []])) });
    const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [api.router], jsonRoutes: api.jsonRoutes, routeDocs: api.routeDocs, tokens, ready: async () => undefined });
    http = () => request(app);
    // Accounts written as sign-up writes them (sign-up itself hashes a password per person: slow, and not what is tested).
    register = async (name) => {
      const userID = randomUUID();
      const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
      const data = { userID, userName: name, email: `${name}-${userID}@example.com`, passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', timeZone: 'Europe/Berlin' };
      await store.appendToStream(userStreamName(userID), [{ eventID: randomUUID(), type: 'UserRegistered', data, metadata }], 'no_stream');
      return userID;
    };
    authOf = (userID) => ({ Authorization: `Bearer ${tokens.issue(userID, new Date()).token}` });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const booking = (invitedUserIDs: string[]) => ({ title: 'Planning', startTime: '2030-06-04T08:00:00Z', endTime: '2030-06-04T09:00:00Z', invitedUserIDs });

  it('reads no stream of the new event, and invitees it has seen before not again', async () => {
    const [host, ...invitees] = [await register('ann'), await register('bob'), await register('cyd'), await register('dan')];
    const first = await http().post('/events').set(authOf(host!)).send(booking(invitees));
    expect(first.status).toBe(201);
    const firstReads = reads.take();
    expect(firstReads.filter((s) => s === calendarEventStreamName(first.body.eventID))).toEqual([]);
    // The invitees are read together, once.
    for (const invitee of invitees) expect(firstReads.filter((s) => s === userStreamName(invitee))).toHaveLength(1);

    const second = await http().post('/events').set(authOf(host!)).send(booking(invitees));
    expect(second.status).toBe(201);
    const secondReads = reads.take();
    expect(secondReads.some((s) => s.startsWith(calendarEventStreamName('')))).toBe(false);
    for (const invitee of invitees) expect(secondReads).not.toContain(userStreamName(invitee));
  });

  it('still refuses an invitee nobody is, and reads them again next time', async () => {
    const [host, stranger] = [await register('eve'), randomUUID()];
    const refused = await http().post('/events').set(authOf(host)).send(booking([stranger]));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'UNKNOWN_USERS', errors: [{ path: 'invitedUserIDs.0' }] });
    const userID = stranger;
    // Someone with that id now exists (ids are made by sign-up; this writes one as it would).
    const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
    await reads.store.appendToStream(userStreamName(userID), [{
      eventID: randomUUID(), type: 'UserRegistered', metadata,
      data: { userID, userName: 'fay', email: `fay-${userID}@example.com`, passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', timeZone: 'UTC' },
    }], 'no_stream');
    reads.take();
    expect((await http().post('/events').set(authOf(host)).send(booking([stranger]))).status).toBe(201);
    expect(reads.take()).toContain(userStreamName(stranger));
  });

  it.each([
    ['a change', (id: string) => http().put(`/events/${id}`).send({ title: 'Moved' }), 200],
    ['an invitation', (id: string, someone: string) => http().post(`/events/${id}/invitations`).send({ userIDs: [someone] }), 201],
    ['a cancellation', (id: string) => http().delete(`/events/${id}`), 204],
  ] as const)('reads the event once for %s', async (_what, send, status) => {
    const [host, someone] = [await register('gus'), await register('hal')];
    const created = await http().post('/events').set(authOf(host)).send(booking([]));
    reads.take();
    const answered = await send(created.body.eventID, someone).set(authOf(host));
    expect(answered.status).toBe(status);
    expect(reads.take().filter((s) => s === calendarEventStreamName(created.body.eventID))).toHaveLength(1);
  });
});
