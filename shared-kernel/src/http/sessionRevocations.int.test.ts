import { randomUUID } from 'node:crypto';
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
});
