import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import { postgresEventStore } from '../eventStore/postgresEventStore';
import { pgliteSqlDatabase } from '../sql/pgliteSqlDatabase';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { eventSourceContract } from './eventSource.contract';
import { storeTailingEventSource } from './storeTailingEventSource';

describe('on a PostgreSQL server', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  eventSourceContract('storeTailingEventSource on pg', {
    async create() {
      database = await createTestDatabase();
      db = pgSqlDatabase({ connectionString: database.url, max: 6 });
      const store = await postgresEventStore(db);
      return { store, source: await storeTailingEventSource(store, db, { pollIntervalMs: 50, retryDelayMs: 100 }) };
    },
    async dispose() {
      await db.close();
      await database.drop();
    },
  });
});

describe('on embedded PGlite', () => {
  let db: SqlDatabase;
  eventSourceContract('storeTailingEventSource on PGlite', {
    async create() {
      db = await pgliteSqlDatabase();
      const store = await postgresEventStore(db);
      return { store, source: await storeTailingEventSource(store, db, { pollIntervalMs: 50, retryDelayMs: 100 }) };
    },
    dispose: () => db.close(),
  });
});

describe('with batches of two', () => {
  let db: SqlDatabase;
  // Each case's new group starts behind, on the log the cases before it filled: full batches, each read while the one before is handled.
  eventSourceContract('storeTailingEventSource reading ahead', {
    async create() {
      db = await pgliteSqlDatabase();
      const store = await postgresEventStore(db);
      return { store, source: await storeTailingEventSource(store, db, { batchSize: 2, pollIntervalMs: 50, retryDelayMs: 100 }) };
    },
    dispose: () => db.close(),
  });
});
