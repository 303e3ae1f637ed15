import { Pool, type PoolConfig, type QueryResult, types } from 'pg';
import { inFlightStatements } from './inFlightStatements';
import { preparedStatements, type PreparedStatementsOptions } from './preparedStatements';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase';

// bigint columns (int8) come back as strings by default; stores convert them where they need numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => value);

/**
 * SqlDatabase on a PostgreSQL server through a `pg` connection pool; statements run often are prepared (see
 * preparedStatements.ts). Behind a pooler in transaction mode (PgBouncer before 1.21) set `prepared: false`.
 */
export function pgSqlDatabase(config: PoolConfig & { prepared?: PreparedStatementsOptions | false }): SqlDatabase {
  const { prepared: preparedOptions, ...poolConfig } = config;
  // Pipelined: a statement is sent without waiting for the answers before it (no cursors or `rows` here).
  // JIT off: its compile costs hundreds of milliseconds per execution, and an estimate past jit_above_cost (the
  // attendance read's generic plan on a million events: 500,000, never near that in fact) paid it on every call.
  const pool = new Pool({ ...poolConfig, options: [poolConfig.options, '-c jit=off'].filter(Boolean).join(' '), pipeline: true });
  const prepared = preparedOptions === false ? undefined : preparedStatements(preparedOptions);
  const configOf = (text: string, params: unknown[] | undefined) => (prepared ? prepared.configOf(text, params) : { text, ...(params ? { values: params } : {}) });
  /** A prepared statement the server can no longer run: its plan's result type changed (0A000), or it is gone (26000). */
  const brokenPlan = (error: unknown) => ['0A000', '26000'].includes((error as { code?: unknown }).code as string);
  const planChanged = (text: string) => (error: unknown) => {
    if (brokenPlan(error)) prepared?.forget(text);
    throw error;
  };
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const run: SqlExecutor['query'] = async (text, params) => {
    const result = await pool.query(configOf(text, params)).catch(planChanged(text));
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };
  return {
    query: run,
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost mid-transaction fails its statements; without a listener it would also crash the process.
      const lost = () => undefined;
      client.on('error', lost);
      // A connection holding a broken prepared statement is closed, not pooled again (pool.query does the same).
      let broken: Error | undefined;
      // A statement pg refuses before the server sees it (a parameter it cannot encode) leaves the server's
      // transaction open: its callback runs at once, so this is known before `work` returns, and nothing commits.
      let unsent: { error: Error } | undefined;
      // Set as each answer is read (answers to pipelined statements can arrive together, before any promise settles).
      let failedBefore = false;
      const statements = inFlightStatements({
        query: (text, params) =>
          new Promise((resolve, reject) => {
            let answered = false;
            client.query(configOf(text, params), (error: Error | undefined, result: QueryResult) => {
              if (!answered && error && !unsent) unsent = { error };
              answered = true;
              if (!error) return resolve({ rows: result.rows, rowCount: result.rowCount ?? 0 });
              const afterAnotherFailure = failedBefore;
              failedBefore = true;
              // A statement missing only because an earlier failure aborted the transaction (its Parse refused) is
              // not broken: it is prepared again on the next transaction.
              if ((error as { code?: unknown }).code === '26000' && afterAnotherFailure) return reject(error);
              if (brokenPlan(error)) {
                broken = error;
                prepared?.forget(text);
              }
              reject(error);
            });
            answered = true;
          }),
      });
      // The pool's connections pipeline: BEGIN goes out with the first statement of `work`, and COMMIT right
      // behind the last, in the round trip that carries it.
      const begun = client.query('BEGIN');
      begun.catch(() => undefined); // awaited below; handled here in case `work` fails first
      try {
        const value = await work(statements.tx).finally(statements.close);
        if (unsent) throw unsent.error;
        const committed = client.query('COMMIT');
        committed.catch(() => undefined);
        await begun;
        const outcome = await committed; // answered after every statement sent before it
        const failure = await statements.settled().then(() => undefined, (error: unknown) => error);
        // PostgreSQL answers the COMMIT of a transaction a statement aborted with ROLLBACK, not an error.
        if (outcome.command !== 'COMMIT') throw failure ?? new Error('the transaction was rolled back at its commit');
        if (failure !== undefined) throw new Error('the transaction committed, but one of its statements failed in the client', { cause: failure });
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw await statements.firstFailure(error);
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    },
    async exec(script) {
      await pool.query(script);
    },
    async close() {
      await pool.end();
    },
  };
}
