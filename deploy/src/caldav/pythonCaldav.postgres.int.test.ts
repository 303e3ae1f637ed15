import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { pythonCaldavScenario } from './pythonCaldav.scenario';

const databases = new Map<SqlDatabase, TestDatabase>();

pythonCaldavScenario(
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
