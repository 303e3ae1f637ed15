import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { bookingFlowScenario } from './testing/bookingFlow.scenario';

const databases = new Map<SqlDatabase, TestDatabase>();

bookingFlowScenario(
  'a PostgreSQL server',
  async () => {
    const testDb = await createTestDatabase();
    const db = pgSqlDatabase({ connectionString: testDb.url, max: 10 });
    databases.set(db, testDb);
    return db;
  },
  async (db) => {
    await db.close();
    await databases.get(db)?.drop();
  },
);
