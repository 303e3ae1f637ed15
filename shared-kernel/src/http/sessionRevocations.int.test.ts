import { randomUUID } from 'node:crypto';
import type { StreamRead } from '../ports/eventStore/eventStore';
import { postgresEventStore } from '../ports/eventStore/postgresEventStore';
import { pgliteSqlDatabase } from '../ports/sql/pgliteSqlDatabase';
import { streamName } from '../streams/streamName';
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

  it('past the cache age, reads only the events appended since what it folded', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const store = await postgresEventStore(db);
      const asked: (number | undefined)[] = [];
      const recording = { ...store, readStreams: (reads: readonly StreamRead[]) => (asked.push(...reads.map((r) => r.afterVersion)), store.readStreams(reads)) };
      let now = 1_000_000;
      const elsewhere = sessionRevocations(recording, { clock: () => new Date(now) });
      const userID = randomUUID();
      const session = { userID, sessionID: 's-1', generation: 0 };
      const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
      const revoke = (sessionID: string) => store.appendToStream(streamName('User', userID), [{ eventID: randomUUID(), type: 'SessionRevoked', data: { userID, sessionID }, metadata }], 'any');
      await revoke('s-0');
      expect(await elsewhere.isRevoked(session)).toBe(false);
      now += REVOCATION_CACHE_MS;
      expect(await elsewhere.isRevoked(session)).toBe(false);
      await revoke('s-1');
      now += REVOCATION_CACHE_MS;
      expect(await elsewhere.isRevoked(session)).toBe(true);
      // What was folded before stays folded: s-0 is still revoked, though the last read brought only s-1's event.
      expect(await elsewhere.isRevoked({ ...session, sessionID: 's-0' })).toBe(true);
      now += REVOCATION_CACHE_MS;
      expect(await elsewhere.isRevoked(session)).toBe(true);
      expect(asked).toEqual([undefined, 1, 1, 2]);
    } finally {
      await db.close();
    }
  });

  it('reads the users checked in one turn of the loop in one store round trip', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const store = await postgresEventStore(db);
      const calls: string[][] = [];
      const recording = { ...store, readStreams: (reads: readonly StreamRead[]) => (calls.push(reads.map((r) => r.streamName)), store.readStreams(reads)) };
      const revocations = sessionRevocations(recording, { clock: () => new Date(1_000_000) });
      const users = Array.from({ length: 3 }, () => randomUUID());
      const metadata = { actorID: users[1]!, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
      await store.appendToStream(streamName('User', users[1]!), [{ eventID: randomUUID(), type: 'SessionRevoked', data: { userID: users[1]!, sessionID: 's-1' }, metadata }], 'any');
      const answers = await Promise.all(users.map((userID) => revocations.isRevoked({ userID, sessionID: 's-1', generation: 0 })));
      expect(answers).toEqual([false, true, false]);
      expect(calls).toEqual([users.map((userID) => streamName('User', userID))]);
    } finally {
      await db.close();
    }
  });

  it('reads user by user when a batch read fails: one failure fails only its own check', async () => {
    const db = await pgliteSqlDatabase();
    try {
      const store = await postgresEventStore(db);
      const broken = randomUUID();
      const failing = {
        ...store,
        readStreams: () => Promise.reject(new Error('batch refused')),
        readStream: (name: string, afterVersion?: number) => (name === streamName('User', broken) ? Promise.reject(new Error('unreadable')) : store.readStream(name, afterVersion)),
      };
      const revocations = sessionRevocations(failing, { clock: () => new Date(1_000_000) });
      const fine = randomUUID();
      const checks = [fine, broken].map((userID) => Promise.resolve(revocations.isRevoked({ userID, sessionID: 's-1', generation: 0 })));
      await expect(checks[0]).resolves.toBe(false);
      await expect(checks[1]).rejects.toThrow('unreadable');
    } finally {
      await db.close();
    }
  });
});
