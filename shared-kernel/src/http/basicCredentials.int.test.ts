import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { userStreamName } from '../aggregates/user/decider';
import { userEmailStreamName } from '../aggregates/userEmail/decider';
import { postgresEventStore } from '../ports/eventStore/postgresEventStore';
import type { EventStore } from '../ports/eventStore/eventStore';
import { pgliteSqlDatabase } from '../ports/sql/pgliteSqlDatabase';
import type { SqlDatabase } from '../ports/sql/sqlDatabase';
import { APP_PASSWORD_CACHE_MS, appPasswordSha256, appPasswordVerifier } from './basicCredentials';
import { memoryCredentialThrottle } from './credentialThrottle';

const PASSWORD = 'abcd-efgh-ijkm-npqr-stuv-wxyz-2345';
const request = (address = '203.0.113.7') => ({ headers: {}, socket: { remoteAddress: address } as Socket });

/** App passwords over HTTP Basic, checked against the User stream: immediate where revoked, within the cache bound elsewhere. */
describe('app password verifier', () => {
  let db: SqlDatabase;
  let store: EventStore;
  let now = 1_000_000;
  const clock = () => new Date(now);
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
  });

  const metadata = (actorID: string, type: string) => ({ eventID: randomUUID(), type, metadata: { actorID, occurredAt: clock().toISOString(), correlationId: randomUUID(), schemaVersion: 1 } });
  async function account(email: string) {
    const userID = randomUUID();
    await store.appendToStream(userEmailStreamName(email), [{ ...metadata(userID, 'EmailClaimed'), data: { email, userID } }], 'no_stream');
    await store.appendToStream(userStreamName(userID), [{ ...metadata(userID, 'UserRegistered'), data: { userID, userName: 'Ann', email, passwordHash: 'scrypt$x', timeZone: 'UTC' } }], 'no_stream');
    const appPasswordID = randomUUID();
    await store.appendToStream(userStreamName(userID), [{ ...metadata(userID, 'AppPasswordCreated'), data: { userID, appPasswordID, name: 'phone', passwordSha256: appPasswordSha256(PASSWORD), createdAt: clock().toISOString() } }], 'any');
    return { userID, appPasswordID };
  }
  const revoke = (userID: string, appPasswordID: string) => store.appendToStream(userStreamName(userID), [{ ...metadata(userID, 'AppPasswordRevoked'), data: { userID, appPasswordID } }], 'any');

  it('signs in with the app password in any case and with or without its dashes, never with anything else', async () => {
    const verifier = appPasswordVerifier(store, { clock });
    const email = `ann.${randomUUID()}@example.com`;
    const { userID, appPasswordID } = await account(email);
    await expect(verifier.verify({ userID: email.toUpperCase(), password: PASSWORD }, request())).resolves.toEqual({ userID, appPasswordID });
    await expect(verifier.verify({ userID: email, password: PASSWORD.replaceAll('-', '').toUpperCase() }, request())).resolves.toEqual({ userID, appPasswordID });
    for (const password of ['scrypt$x', 'a good password', PASSWORD.slice(0, -1), '']) {
      await expect(verifier.verify({ userID: email, password }, request())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await expect(verifier.verify({ userID: `nobody.${randomUUID()}@example.com`, password: PASSWORD }, request())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('honours a revocation at once where it was made and within APP_PASSWORD_CACHE_MS in every other process', async () => {
    const here = appPasswordVerifier(store, { clock });
    const elsewhere = appPasswordVerifier(store, { clock });
    const email = `bob.${randomUUID()}@example.com`;
    const { userID, appPasswordID } = await account(email);
    const credentials = { userID: email, password: PASSWORD };
    await here.verify(credentials, request());
    await elsewhere.verify(credentials, request());
    await revoke(userID, appPasswordID);
    here.forget(userID);
    await expect(here.verify(credentials, request())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // The other process trusts what it read (and the sign-in it verified with it) for less than the bound, no longer.
    now += APP_PASSWORD_CACHE_MS - 1;
    await expect(elsewhere.verify(credentials, request())).resolves.toMatchObject({ userID });
    now += 1;
    await expect(elsewhere.verify(credentials, request())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('costs no store read for a credential verified within the bound', async () => {
    const reads: string[] = [];
    const counting: EventStore = { ...store, readStream: (name, ...rest) => { reads.push(name); return store.readStream(name, ...rest); } };
    const verifier = appPasswordVerifier(counting, { clock });
    const email = `cyd.${randomUUID()}@example.com`;
    await account(email);
    await verifier.verify({ userID: email, password: PASSWORD }, request());
    const afterFirst = reads.length;
    for (let i = 0; i < 20; i++) await verifier.verify({ userID: email, password: PASSWORD }, request());
    expect(reads.length).toBe(afterFirst);
  });

  it('applies the sign-in limits per account and per client address', async () => {
    const verifier = appPasswordVerifier(store, { clock, throttle: memoryCredentialThrottle(clock) });
    const email = `dan.${randomUUID()}@example.com`;
    await account(email);
    for (let i = 0; i < 10; i++) {
      await expect(verifier.verify({ userID: email, password: 'wrong' }, request(`198.51.100.${i}`))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    // Blocked for a minute, the right password too: a block says nothing about which guess was right.
    await expect(verifier.verify({ userID: email, password: PASSWORD }, request('192.0.2.1'))).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', extensions: { retryAfterSeconds: 60 } });
    now += 60_000;
    await expect(verifier.verify({ userID: email, password: PASSWORD }, request('192.0.2.1'))).resolves.toBeDefined();
    // One client guessing at many accounts is stopped after 100 failures in 15 minutes.
    for (let i = 0; i < 100; i++) {
      await expect(verifier.verify({ userID: `x${i}.${randomUUID()}@example.com`, password: 'wrong' }, request('192.0.2.99'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await expect(verifier.verify({ userID: `other.${randomUUID()}@example.com`, password: 'wrong' }, request('192.0.2.99'))).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });
});
