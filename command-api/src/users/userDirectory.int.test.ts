import { randomBytes, randomUUID } from 'node:crypto';
import { parseUserEvent, userEmailStreamName, userStreamName } from '@datebook/shared-kernel';
import { jwtTokenService, serviceApp, sessionRevocations, withRevocations } from '@datebook/shared-kernel/http';
import { postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { calendarViewsRedisClient } from '@datebook/shared-kernel/ports/redis';
import { pollUntil } from '@datebook/shared-kernel/testing';
import pino from 'pino';
import request from 'supertest';
import { commandApi } from '../app';
import { DEFAULT_DIRECTORY_LOOKUP_POLICY, redisDirectoryLookupLimit, TooManyLookupsError } from './directoryLookupLimit';
import { uniqueEmail } from './testing/accountsApp';

const PASSWORD = 'a good password';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { maxLookups, windowSeconds } = DEFAULT_DIRECTORY_LOOKUP_POLICY;
// Ten seconds into a window of the lookup limit (windows start on whole minutes of the clock).
const START_MS = Date.parse('2030-01-07T09:00:10Z');

/**
 * The command API as it is composed (commandApi: the embedded default's in-memory lookup limit) on PGlite,
 * with a clock that moves only when the test moves it, and the verification link the notifier would mail.
 */
async function startDirectoryApp(database: SqlDatabase) {
  const store = await postgresEventStore(database);
  let nowMs = START_MS;
  const clock = () => new Date(nowMs);
  const revocations = sessionRevocations(store, { clock });
  const tokens = withRevocations(jwtTokenService(randomBytes(32).toString('base64url'), 3600, clock), revocations);
  const api = commandApi({ store, tokens, revocations, clock, logger: pino({ level: 'silent' }), busy: async () => new Map() });
  const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [api.router], jsonRoutes: api.jsonRoutes, routeDocs: api.routeDocs, tokens, ready: async () => undefined });
  const http = () => request(app);

  async function verify(userID: string): Promise<void> {
    const requested = (await store.readStream(userStreamName(userID))).events.map((e) => parseUserEvent(e)).filter((e) => e?.type === 'EmailVerificationRequested').at(-1);
    if (requested?.type !== 'EmailVerificationRequested') throw new Error(`no verification requested for ${userID}`);
    const link = tokens.issueLink('verify-email', { userID, requestID: requested.data.requestID }, new Date(requested.data.expiresAt));
    const verified = await http().post(`/users/verify-email/${link}`);
    if (verified.status !== 204) throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  }

  /** Sign-up and sign-in; the address confirmed unless `verify: false`. */
  async function signUp(userName: string, options: { verify?: boolean } = {}) {
    const email = uniqueEmail(userName.toLowerCase());
    const created = await http().post('/users').send({ userName, email, password: PASSWORD });
    if (created.status !== 202) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    const session = await http().post('/sessions').send({ email, password: PASSWORD });
    if (session.status !== 200) throw new Error(`sign-in failed: ${session.status} ${JSON.stringify(session.body)}`);
    const userID = session.body.userID as string;
    if (options.verify !== false) await verify(userID);
    return { userID, userName, email, auth: { Authorization: `Bearer ${session.body.token}` } };
  }

  async function eventCount(): Promise<number> {
    const { rows } = await database.query<{ n: string }>('select count(*)::text as n from es_events');
    return Number(rows[0]?.n ?? 0);
  }

  return {
    http, store, signUp, verify, eventCount,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

type DirectoryApp = Awaited<ReturnType<typeof startDirectoryApp>>;

describe('GET /users?email= (finding a person by their exact address)', () => {
  let db: SqlDatabase;
  let sys: DirectoryApp;
  let caller: Awaited<ReturnType<DirectoryApp['signUp']>>;
  let ann: Awaited<ReturnType<DirectoryApp['signUp']>>;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startDirectoryApp(db);
    caller = await sys.signUp('Caller');
    ann = await sys.signUp('Ann');
  });
  afterAll(async () => {
    await db.close();
  });

  const lookUp = (auth: Record<string, string>, query: string) => sys.http().get(`/users?${query}`).set(auth);
  const byEmail = (auth: Record<string, string>, email: string) => lookUp(auth, new URLSearchParams({ email }).toString());

  it('answers the exact address, in any case, with the id and the name and nothing more, appending nothing', async () => {
    const before = await sys.eventCount();
    const exact = await byEmail(caller.auth, ann.email);
    expect(exact.status).toBe(200);
    expect(exact.body).toEqual({ userID: ann.userID, userName: 'Ann' });
    const shouted = await byEmail(caller.auth, ann.email.toUpperCase());
    expect([shouted.status, shouted.body]).toEqual([200, { userID: ann.userID, userName: 'Ann' }]);
    // Anyone signed in may look anyone up, themselves included.
    expect((await byEmail(ann.auth, ann.email)).body).toEqual({ userID: ann.userID, userName: 'Ann' });
    expect(await sys.eventCount()).toBe(before);
  });

  it('finds no one at an address nobody has, nor at a prefix or an extension of a registered one: 404 USER_NOT_FOUND', async () => {
    const nobody = await byEmail(caller.auth, uniqueEmail('nobody'));
    expect(nobody.status).toBe(404);
    expect(nobody.body).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    for (const near of [ann.email.slice(0, -1), `x${ann.email}`, `${ann.email}.org`]) {
      const res = await byEmail(caller.auth, near);
      expect([near, res.status, res.body.code]).toEqual([near, 404, 'USER_NOT_FOUND']);
    }
  });

  it('does not find an address until its owner confirms it, then at once (the event store, not the read model); unconfirmed looks like nobody', async () => {
    const bob = await sys.signUp('Bob', { verify: false });
    const unconfirmed = await byEmail(caller.auth, bob.email);
    const nobody = await byEmail(caller.auth, uniqueEmail('nobody'));
    expect(unconfirmed.status).toBe(404);
    expect(unconfirmed.body).toEqual(nobody.body);
    await sys.verify(bob.userID);
    expect((await byEmail(caller.auth, bob.email)).body).toEqual({ userID: bob.userID, userName: 'Bob' });
  });

  it('does not find an address whose claim never completed into a registered user', async () => {
    const email = uniqueEmail('interrupted');
    const userID = randomUUID();
    const metadata = { actorID: userID, occurredAt: new Date(START_MS).toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
    await sys.store.appendToStream(userEmailStreamName(email), [{
      eventID: randomUUID(), type: 'EmailClaimed', data: { email, userID, registration: { userName: 'Claimant', passwordHash: 'scrypt$unused', timeZone: 'UTC' } }, metadata,
    }], 'no_stream');
    expect((await byEmail(caller.auth, email)).body).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('refuses a missing, empty, invalid or repeated address with 400 naming `email`, appending nothing', async () => {
    const before = await sys.eventCount();
    for (const query of ['', 'email=', 'email=ann', 'email=%40example.com', 'email=*%40example.com', `email=${encodeURIComponent(ann.email)}&email=${encodeURIComponent(ann.email)}`, `email=${'a'.repeat(320)}%40example.com`]) {
      const res = await lookUp(caller.auth, query);
      expect([query, res.status, res.body.code, res.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, 'VALIDATION_FAILED', ['email']]);
    }
    expect(await sys.eventCount()).toBe(before);
  });

  it('refuses any other parameter with 400 naming it: no paging, no search, no listing', async () => {
    for (const extra of ['limit=10', 'q=ann', 'pageToken=x', 'userName=Ann']) {
      const res = await lookUp(caller.auth, `email=${encodeURIComponent(ann.email)}&${extra}`);
      const name = extra.split('=')[0];
      expect([extra, res.status, res.body.errors]).toEqual([extra, 400, [{ path: name, message: 'unknown field' }]]);
    }
    expect((await lookUp(caller.auth, 'q=ann')).body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'q']);
  });

  it('answers only the signed in: 401 without a token, with a forged one, or after signing out', async () => {
    const query = `email=${encodeURIComponent(ann.email)}`;
    expect((await sys.http().get(`/users?${query}`)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await lookUp({ Authorization: 'Bearer not.a.token' }, query)).status).toBe(401);
    const leaver = await sys.signUp('Leaver');
    expect((await lookUp(leaver.auth, query)).status).toBe(200);
    expect((await sys.http().delete('/sessions/current').set(leaver.auth)).status).toBe(204);
    expect((await lookUp(leaver.auth, query)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it(`allows ${maxLookups} lookups per caller per ${windowSeconds} s of the injected clock, found or not, then 429 with Retry-After until the window ends`, async () => {
    const prober = await sys.signUp('Prober');
    const statuses: number[] = [];
    for (let i = 0; i < maxLookups; i++) statuses.push((await byEmail(prober.auth, i % 2 === 0 ? ann.email : uniqueEmail(`probe${i}`))).status);
    expect(statuses).toEqual(Array.from({ length: maxLookups }, (_, i) => (i % 2 === 0 ? 200 : 404)));
    // Over the limit even a registered address answers 429, so the refusal tells nothing about it.
    const refused = await byEmail(prober.auth, ann.email);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 50 });
    expect(refused.headers['retry-after']).toBe('50');
    // Another caller is not held back by this one.
    expect((await byEmail(caller.auth, ann.email)).status).toBe(200);
    // Hammering on does not lengthen the wait; just before the window ends it is still refused.
    for (let i = 0; i < 20; i++) expect((await byEmail(prober.auth, uniqueEmail(`hammer${i}`))).status).toBe(429);
    sys.advance(49_999);
    const almost = await byEmail(prober.auth, ann.email);
    expect([almost.status, almost.headers['retry-after']]).toEqual([429, '1']);
    sys.advance(1);
    expect((await byEmail(prober.auth, ann.email)).body).toEqual({ userID: ann.userID, userName: 'Ann' });
    for (let i = 1; i < maxLookups; i++) expect((await byEmail(prober.auth, ann.email)).status).toBe(200);
    expect((await byEmail(prober.auth, ann.email)).status).toBe(429);
  });

  it('is documented: the query parameter, the person it answers and the problems', async () => {
    const doc = (await sys.http().get('/openapi.json').expect(200)).body;
    const operation = doc.paths['/users'].get;
    expect(operation.operationId).toBe('findUserByEmail');
    expect(operation.parameters).toEqual([expect.objectContaining({ name: 'email', in: 'query', required: true })]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '404', '429', 'default']);
    expect(Object.keys(operation.responses['429'].headers)).toEqual(['Retry-After']);
    expect(Object.keys(operation.responses['200'].content['application/json'].schema.properties).sort()).toEqual(['userID', 'userName']);
  });
});

/** The production profile: the count lives in Redis, so every command-API process refuses alike. */
describe('the directory lookup limit on real Redis, shared by two command-API processes', () => {
  let redis: ReturnType<typeof calendarViewsRedisClient>;
  const prefix = `datebook-test:directory-lookups:${randomUUID()}`;
  beforeAll(() => {
    redis = calendarViewsRedisClient(REDIS_URL, { enableOfflineQueue: true });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const refusal = (take: Promise<void>) => take.then(() => undefined, (error: unknown) => {
    if (error instanceof TooManyLookupsError) return error.retryAfterSeconds;
    throw error;
  });

  it('counts lookups made on either process against one limit, by the injected clock, and starts again with the next window', async () => {
    const first = redisDirectoryLookupLimit(redis, DEFAULT_DIRECTORY_LOOKUP_POLICY, prefix);
    const second = redisDirectoryLookupLimit(redis, DEFAULT_DIRECTORY_LOOKUP_POLICY, prefix);
    const at = (ms: number) => new Date(START_MS + ms);
    for (let i = 0; i < maxLookups; i++) expect(await refusal((i % 2 === 0 ? first : second).take('caller-a', at(i)))).toBeUndefined();
    expect(await refusal(first.take('caller-a', at(100)))).toBe(50);
    expect(await refusal(second.take('caller-a', at(49_999)))).toBe(1);
    expect(await refusal(second.take('caller-b', at(100)))).toBeUndefined();
    expect(await refusal(first.take('caller-a', at(50_000)))).toBeUndefined();
    // Kept in Redis, one key per caller and window, each cleared away by Redis's own expiry.
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('counts in its own memory while Redis does not answer, rather than refusing everyone or no one', async () => {
    // Nothing listens on port 1: the client gives up connecting (no retries) and every command fails.
    const down = calendarViewsRedisClient('redis://127.0.0.1:1', { retryStrategy: () => null });
    await pollUntil(async () => down.status === 'end', { timeoutMs: 5_000, what: 'the Redis client giving up' });
    const limit = redisDirectoryLookupLimit(down, DEFAULT_DIRECTORY_LOOKUP_POLICY, prefix);
    for (let i = 0; i < maxLookups; i++) expect(await refusal(limit.take('caller-c', new Date(START_MS)))).toBeUndefined();
    expect(await refusal(limit.take('caller-c', new Date(START_MS)))).toBe(50);
  });
});
