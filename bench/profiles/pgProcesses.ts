import type { Pool } from 'pg';

/**
 * The PostgreSQL processes working for the bench: the backends connected to the bench database (the
 * system's pools, the bench's own) and the server's shared processes (WAL writer, checkpointer,
 * background writer, autovacuum launcher: pg_stat_activity lists them without a database), which do
 * the bench's writes' disk work. Other databases' backends are someone else's load.
 */
export async function benchDatabasePgPids(pool: Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() or datname is null');
  return rows.map((r) => r.pid);
}
