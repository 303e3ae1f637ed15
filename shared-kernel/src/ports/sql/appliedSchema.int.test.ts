import { Client } from 'pg';
import { createTestDatabase, pollUntil, type TestDatabase } from '../../testing';
import { applySchema } from './appliedSchema';
import { pgSqlDatabase } from './pgSqlDatabase';
import type { SqlDatabase } from './sqlDatabase';

const SCHEMA = `create table if not exists busy (id int primary key, name text);
create index if not exists busy_name on busy (name);`;
const GROWN = `${SCHEMA}
alter table busy add column if not exists note text;`;

describe('applySchema: a start whose schema is current takes no table lock', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  let writer: Client;
  beforeEach(async () => {
    testDb = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDb.url, max: 4 });
    writer = new Client({ connectionString: testDb.url });
    await writer.connect();
  });
  afterEach(async () => {
    await writer.end().catch(() => undefined);
    await db.close();
    await testDb.drop();
  });

  /** A write transaction left open on `busy`, as a process under load always has one. */
  async function openWrite(): Promise<void> {
    await writer.query('begin');
    await writer.query("insert into busy values (1, 'held')");
  }

  it('applies a script once and then, while a write holds the table, starts without waiting on it', async () => {
    await applySchema(db, 'busy', SCHEMA);
    await openWrite();
    // Running the script itself would queue for a SHARE lock behind the open insert: one attempt, 200 ms, would fail.
    await applySchema(db, 'busy', SCHEMA, { attempts: 1, lockTimeoutMs: 200 });
    await writer.query('commit');
    const { rows } = await db.query<{ name: string; digest: string }>('select name, digest from schema_scripts');
    expect(rows).toEqual([{ name: 'busy', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('gives up a lock it cannot get so the writes behind it go on, and applies a changed script once the table is free', async () => {
    await applySchema(db, 'busy', SCHEMA);
    await openWrite();
    await expect(applySchema(db, 'busy', GROWN, { attempts: 1, lockTimeoutMs: 100 })).rejects.toMatchObject({ code: '55P03' });
    // Nothing of the failed attempt stays: no column, the old digest.
    expect((await db.query("select 1 from information_schema.columns where table_name = 'busy' and column_name = 'note'")).rowCount).toBe(0);

    const applying = applySchema(db, 'busy', GROWN, { attempts: 50, lockTimeoutMs: 100 });
    // While it retries, another write to the table is not held behind it for longer than one attempt.
    await db.query("insert into busy values (2, 'not held')");
    // Another session's statement waiting on a lock (this query's own text matches the pattern too).
    const waiting = "select 1 from pg_stat_activity where pid <> pg_backend_pid() and wait_event_type = 'Lock' and query like '%add column if not exists note%'";
    await pollUntil(async () => (await db.query(waiting)).rowCount > 0, { timeoutMs: 10_000, what: 'the changed script waiting for its lock' });
    await writer.query('commit');
    await applying;
    expect((await db.query("select 1 from information_schema.columns where table_name = 'busy' and column_name = 'note'")).rowCount).toBe(1);
  });

  it('skips a script applied before, as an old process starting during a rolling deploy does', async () => {
    await applySchema(db, 'busy', SCHEMA);
    await applySchema(db, 'busy', GROWN);
    await openWrite();
    await applySchema(db, 'busy', SCHEMA, { attempts: 1, lockTimeoutMs: 200 });
    await applySchema(db, 'busy', GROWN, { attempts: 1, lockTimeoutMs: 200 });
    await writer.query('commit');
    expect((await db.query('select name from schema_scripts')).rowCount).toBe(2);
  });

  it('lets processes that start together on a fresh database take turns', async () => {
    const others = Array.from({ length: 4 }, () => pgSqlDatabase({ connectionString: testDb.url, max: 1 }));
    try {
      await Promise.all([db, ...others].map((each) => applySchema(each, 'busy', GROWN)));
      expect((await db.query('select name from schema_scripts')).rows).toEqual([{ name: 'busy' }]);
    } finally {
      await Promise.all(others.map((each) => each.close()));
    }
  });
});
