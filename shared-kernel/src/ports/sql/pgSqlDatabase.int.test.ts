import { createTestDatabase, type TestDatabase } from '../../testing';
import { pollUntil } from '../../testing/pollUntil';
import { pgSqlDatabase } from './pgSqlDatabase';
import { isUniqueViolation, type SqlDatabase, type SqlExecutor } from './sqlDatabase';
import { sqlDatabaseContract } from './sqlDatabase.contract';

const databases = new Map<SqlDatabase, TestDatabase>();

/** The statements this session has prepared (PostgreSQL's own view of it). */
const preparedOn = async (tx: SqlExecutor) => (await tx.query<{ statement: string }>("select statement from pg_prepared_statements where name like 'datebook_%'")).rows.map((r) => r.statement);

describe('pgSqlDatabase prepares the statements it runs often', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    // One connection: what one statement prepared, the next sees.
    db = pgSqlDatabase({ connectionString: testDb.url, max: 1, prepared: { maxPrepared: 2, prepareAfter: 2 } });
    await db.exec('create table t (id int primary key, name text)');
    await db.query('insert into t values (1, $1), (2, $2)', ['one', 'two']);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('prepares a text with parameters once it ran often enough, answers the same, and stops at its bound', async () => {
    const byID = 'select name from t where id = $1';
    expect((await db.query(byID, [1])).rows).toEqual([{ name: 'one' }]);
    expect(await db.transaction(preparedOn)).toEqual([]);
    for (const id of [2, 1, 2]) expect((await db.query<{ name: string }>(byID, [id])).rows[0]!.name).toBe(id === 1 ? 'one' : 'two');
    expect(await db.transaction(preparedOn)).toEqual([byID]);
    // Statements without parameters are never prepared; past the bound nothing more is.
    for (let i = 0; i < 3; i++) await db.query('select count(*) from t');
    const others = ['select id from t where name = $1', 'select id from t where name <> $1'];
    for (const text of others) for (let i = 0; i < 3; i++) await db.query(text, ['one']);
    expect((await db.transaction(preparedOn)).sort()).toEqual([byID, others[0]].sort());
  });

  it('answers a prepared statement inside a transaction too, and sends one whose plan a schema change broke as it is from then on', async () => {
    const all = 'select * from t where id = $1';
    for (let i = 0; i < 3; i++) await db.transaction((tx) => tx.query(all, [1]));
    const fresh = pgSqlDatabase({ connectionString: testDb.url, max: 1, prepared: { prepareAfter: 1 } });
    try {
      expect((await fresh.transaction((tx) => tx.query(all, [1]))).rows).toEqual([{ id: 1, name: 'one' }]);
      await db.exec('alter table t add column note text');
      // Once, inside a transaction: the connection is closed, and the text is never prepared again.
      await expect(fresh.transaction((tx) => tx.query(all, [1]))).rejects.toMatchObject({ code: '0A000' });
      for (let i = 0; i < 3; i++) {
        expect((await fresh.transaction((tx) => tx.query(all, [1]))).rows).toEqual([{ id: 1, name: 'one', note: null }]);
        expect((await fresh.query(all, [1])).rows).toEqual([{ id: 1, name: 'one', note: null }]);
      }
    } finally {
      await fresh.close();
    }
  });
});

sqlDatabaseContract('pgSqlDatabase', {
  create: async () => {
    const testDb = await createTestDatabase();
    const db = pgSqlDatabase({ connectionString: testDb.url, max: 2 });
    databases.set(db, testDb);
    return db;
  },
  dispose: async (db) => {
    await db.close();
    await databases.get(db)?.drop();
  },
});

describe('pgSqlDatabase transactions', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDb.url, max: 1 });
    await db.exec('create table rows (id int primary key, name text not null)');
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  // An OLTP statement never repays JIT's compile (≈ 0.9 s for the attendance read), and a costly estimate asks for it.
  it('run without JIT, in and out of transactions', async () => {
    expect((await db.query<{ jit: string }>('show jit')).rows).toEqual([{ jit: 'off' }]);
    expect(await db.transaction(async (tx) => (await tx.query<{ jit: string }>('show jit')).rows)).toEqual([{ jit: 'off' }]);
  });

  // pg refuses such a statement before sending it, so the server's transaction is not aborted: it must not commit.
  it('fail, keeping none of their writes, when a statement cannot even be sent (a parameter pg cannot encode)', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const failed = db.transaction(async (tx) => {
      void tx.query('insert into rows values (1, $1)', ['sent']);
      void tx.query('insert into rows values (2, $1::text)', [circular]);
    });
    await expect(failed).rejects.toThrow();
    expect((await db.query('select name from rows')).rows).toEqual([]);
  });

  it('fail, and the process goes on, when their connection is lost between statements', async () => {
    const failed = db.transaction(async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
      // Lost while no statement of it is in flight: pg then reports it as an 'error' event of the client.
      const other = pgSqlDatabase({ connectionString: testDb.url, max: 1 });
      try {
        await other.query('select pg_terminate_backend($1)', [pid]);
        await pollUntil(async () => (await other.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0, { timeoutMs: 5000, pollMs: 5, what: 'the backend gone' });
      } finally {
        await other.close();
      }
      void tx.query('insert into rows values (3, $1)', ['lost']);
      await tx.query('select 1');
    });
    await expect(failed).rejects.toThrow();
    expect((await db.query('select name from rows')).rows).toEqual([]);
  });

  // Sent twice without waiting, a statement not yet prepared on the connection goes out as Parse + Bind, then Bind
  // alone; when an earlier failure aborted the transaction the Parse is refused and the second finds no statement.
  it('report the failure that aborted them, not a prepared statement missing because of it, and keep preparing that statement', async () => {
    const prepareAtOnce = pgSqlDatabase({ connectionString: testDb.url, max: 1, prepared: { prepareAfter: 1 } });
    try {
      await prepareAtOnce.query('insert into rows values (10, $1)', ['taken']);
      const count = 'select count(*)::int as n from rows where id > $1';
      const failed = prepareAtOnce.transaction(async (tx) => {
        void tx.query('insert into rows values (10, $1)', ['again']);
        void tx.query(count, [0]);
        return tx.query(count, [0]);
      });
      expect(isUniqueViolation(await failed.catch((error: unknown) => error))).toBe(true);
      expect(await prepareAtOnce.transaction(async (tx) => (await tx.query<{ n: number }>(count, [0])).rows)).toEqual([{ n: 1 }]);
      expect(await prepareAtOnce.transaction(preparedOn)).toContain(count);
    } finally {
      await prepareAtOnce.close();
      await db.query('delete from rows');
    }
  });
});
