import { randomUUID } from 'node:crypto';
import { ACCESS_STAMP_READER_MAX_AGE_MS } from '../ports/accessStamps/accessStamps';
import { inMemoryAccessStamps } from '../ports/accessStamps/inMemoryAccessStamps';
import { stampingEventStore } from '../ports/accessStamps/stampingEventStore';
import { postgresEventStore } from '../ports/eventStore/postgresEventStore';
import { pgliteSqlDatabase } from '../ports/sql/pgliteSqlDatabase';
import { streamName } from '../streams/streamName';
import { countingReads } from '../testing/countingReads';
import { REVOCATION_CACHE_MS, sessionRevocations } from './sessionRevocations';

/** Item 3: a revocation applies at once where it was made, and within REVOCATION_CACHE_MS in every other process. */
describe('session revocations from the User stream', () => {
  it('is immediate in the revoking process and bounded by the cache age elsewhere', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const store = await postgresEventStore(db);
      let now = 1_000_000;
      const clock = () => new Date(now);
      const here = sessionRevocations(store, { clock });
      const elsewhere = sessionRevocations(store, { clock });
      const userID = randomUUID();
      const session = { userID, sessionID: 's-1', generation: 0 };
      expect(await here.isRevoked(session)).toBe(false);
      expect(await elsewhere.isRevoked(session)).toBe(false);
      const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
      await store.appendToStream(streamName('User', userID), [{ eventID: randomUUID(), type: 'SessionRevoked', data: { userID, sessionID: 's-1' }, metadata }], 'any');
      here.forget(userID);
      expect(await here.isRevoked(session)).toBe(true);
      // Another process trusts what it read for up to REVOCATION_CACHE_MS, and no longer.
      now += REVOCATION_CACHE_MS - 1;
      expect(await elsewhere.isRevoked(session)).toBe(false);
      now += 1;
      expect(await elsewhere.isRevoked(session)).toBe(true);
      expect(await elsewhere.isRevoked({ ...session, sessionID: 's-2' })).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('with access stamps, renews what it read while the user\'s stamp holds, and reads the stream again once an append moved it', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const stamps = inMemoryAccessStamps();
      const store = stampingEventStore(await postgresEventStore(db), stamps);
      const counted = countingReads(store);
      let now = 1_000_000;
      const clock = () => new Date(now);
      const elsewhere = sessionRevocations(counted.store, { clock, stamps });
      const userID = randomUUID();
      const session = { userID, sessionID: 's-1', generation: 0 };
      const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
      const revoke = (sessionID: string) => store.appendToStream(streamName('User', userID), [{ eventID: randomUUID(), type: 'SessionRevoked', data: { userID, sessionID }, metadata }], 'any');
      await revoke('s-0');
      expect(await elsewhere.isRevoked(session)).toBe(false);
      expect(counted.take()).toBe(1);
      // Past the cache age, an unchanged stamp vouches for what was read: no stream read.
      now += REVOCATION_CACHE_MS;
      expect(await elsewhere.isRevoked(session)).toBe(false);
      now += REVOCATION_CACHE_MS;
      expect(await elsewhere.isRevoked(session)).toBe(false);
      expect(counted.take()).toBe(0);
      // A revocation moves the stamp: honoured once the cache age has passed, as without stamps.
      await revoke('s-1');
      now += REVOCATION_CACHE_MS - 1;
      expect(await elsewhere.isRevoked(session)).toBe(false);
      now += 1;
      expect(await elsewhere.isRevoked(session)).toBe(true);
      expect(counted.take()).toBe(1);
      // A stamp vouches for a read for ACCESS_STAMP_READER_MAX_AGE_MS at most.
      for (let waited = 0; waited < ACCESS_STAMP_READER_MAX_AGE_MS; waited += REVOCATION_CACHE_MS) {
        now += REVOCATION_CACHE_MS;
        expect(await elsewhere.isRevoked(session)).toBe(true);
      }
      expect(counted.take()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('with access stamps, gives a user without one a stamp before reading their stream, and keeps what it read beside it', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const stamps = inMemoryAccessStamps();
      const counted = countingReads(await postgresEventStore(db));
      let now = 1_000_000;
      const revocations = sessionRevocations(counted.store, { clock: () => new Date(now), stamps });
      const userID = randomUUID();
      expect(await revocations.isRevoked({ userID, sessionID: 's-1', generation: 0 })).toBe(false);
      expect(await stamps.read([userID])).toEqual([expect.any(String)]);
      now += REVOCATION_CACHE_MS;
      expect(await revocations.isRevoked({ userID, sessionID: 's-1', generation: 0 })).toBe(false);
      now += REVOCATION_CACHE_MS;
      expect(await revocations.isRevoked({ userID, sessionID: 's-1', generation: 0 })).toBe(false);
      expect(counted.take()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
