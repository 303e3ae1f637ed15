import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import { pgliteSqlDatabase } from '../sql/pgliteSqlDatabase';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { eventStoreContract } from './eventStore.contract';
import type { EventStore } from './eventStore';
import { postgresEventStore } from './postgresEventStore';

describe('on a PostgreSQL server', () => {
  let database: TestDatabase;
  const open = new Map<EventStore, SqlDatabase>();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  eventStoreContract('postgresEventStore on pg', {
    async create() {
      const db = pgSqlDatabase({ connectionString: database.url, max: 10 });
      const store = await postgresEventStore(db);
      open.set(store, db);
      return store;
    },
    async dispose(store) {
      await open.get(store)?.close();
      open.delete(store);
    },
    async beginUncommittedAppend(streamName, event) {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      await client.query('begin');
      await client.query(
        `insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
         values ($1, 1, $2, $3, $4, $5)`,
        [streamName, event.eventID, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      );
      return {
        async commit() {
          await client.query('commit');
          await client.end();
        },
      };
    },
  });
});

describe('on embedded PGlite', () => {
  // Starting PGlite takes seconds; one instance serves every case (each uses fresh stream names).
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
  });
  eventStoreContract('postgresEventStore on PGlite', {
    create: async () => store,
    dispose: async () => undefined,
  });
});
