import type { Pool } from 'pg';

/**
 * What PostgreSQL's autovacuum would have done by now, done at once: VACUUM each table of the bench's
 * database past autovacuum's vacuum thresholds and ANALYZE each past its analyze threshold (PostgreSQL's
 * defaults: 50 rows + 20% dead, 1,000 + 20% inserted since the last vacuum, 50 + 10% changed since the last
 * analyze).
 *
 * Production runs autovacuum (PostgreSQL's default); the machines the bench runs on may not (CI's cluster
 * sets `autovacuum = off`). Without it the tables the bench fills from empty are never analyzed, and each
 * service's prepared statements keep the generic plans made when the tables were empty — a sequential scan
 * where an index would serve — so a figure depended on which plan a connection happened to cache. ANALYZE
 * invalidates those plans. Run at quiet points (ctx.settle), outside any measured window.
 */
export async function autovacuumPass(pool: Pool): Promise<{ vacuumed: string[]; analyzed: string[] }> {
  const { rows } = await pool.query<{ name: string; vacuum: boolean; analyze: boolean }>(
    `select format('%I.%I', s.schemaname, s.relname) as name,
            (s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
              or s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0)) as vacuum,
            s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as analyze
     from pg_stat_user_tables s join pg_class c on c.oid = s.relid
     order by s.relname`,
  );
  const vacuumed: string[] = [];
  const analyzed: string[] = [];
  for (const table of rows) {
    if (!table.vacuum && !table.analyze) continue;
    // One statement each: VACUUM cannot run inside the implicit transaction of a multi-statement query.
    const command = table.vacuum ? (table.analyze ? 'vacuum (analyze)' : 'vacuum') : 'analyze';
    await pool.query(`${command} ${table.name}`);
    if (table.vacuum) vacuumed.push(table.name);
    if (table.analyze) analyzed.push(table.name);
  }
  return { vacuumed, analyzed };
}
