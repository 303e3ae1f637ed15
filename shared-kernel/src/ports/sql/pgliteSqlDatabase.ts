import { PGlite } from '@electric-sql/pglite';
import { inFlightStatements } from './inFlightStatements';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase';

/**
 * SqlDatabase on PGlite, PostgreSQL compiled to WebAssembly: the embedded default.
 * `dataDir` undefined keeps the database in memory (tests); a path keeps it on disk.
 */
export async function pgliteSqlDatabase(dataDir?: string): Promise<SqlDatabase> {
  const db = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const wrap = (executor: Pick<PGlite, 'query'>): SqlExecutor => ({
    async query(text, params) {
      const result = await executor.query(text, params);
      return { rows: result.rows as never[], rowCount: result.affectedRows ?? result.rows.length };
    },
  });
  const direct = wrap(db);
  return {
    query: direct.query,
    transaction: (work) =>
      db.transaction(async (tx) => {
        const statements = inFlightStatements(wrap(tx));
        try {
          const value = await work(statements.tx).finally(statements.close);
          await statements.settled();
          return value;
        } catch (error) {
          throw await statements.firstFailure(error);
        }
      }),
    async exec(script) {
      await db.exec(script);
    },
    async close() {
      await db.close();
    },
  };
}
