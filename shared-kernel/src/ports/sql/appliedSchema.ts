import { createHash } from 'node:crypto';
import type { SqlDatabase } from './sqlDatabase';

/** How long one attempt waits for a table lock before it lets go and lets the queue behind it move. */
const DEFAULT_LOCK_TIMEOUT_MS = 3000;
const DEFAULT_ATTEMPTS = 20;
/** SQLSTATE 55P03 (lock_not_available, raised by lock_timeout), 40P01 (deadlock_detected) and 42P01 (undefined_table). */
const RETRIED = new Set(['55P03', '40P01']);
const UNDEFINED_TABLE = '42P01';
/** One key for every schema script: they run one at a time per database, whichever process starts. */
const SCHEMA_LOCK_KEY = 7_311_562_044;

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export interface ApplySchemaOptions {
  lockTimeoutMs?: number;
  attempts?: number;
}

/**
 * Runs a schema script (`create table if not exists …`) on `db` unless this very text was applied there
 * already, as `schema_scripts` records by name and SHA-256. Every text applied is recorded, not only the
 * last: during a rolling deploy an old process starting beside new ones skips its (older) script too.
 *
 * Why not just run it at every start: even when nothing is missing, `create index if not exists` takes
 * a SHARE lock on its table and `alter table … add column if not exists` an ACCESS EXCLUSIVE one. A
 * starting process then queues behind every open write and every later write queues behind it, so one
 * restart under load stalls the fleet's appends; and a transaction that waits on another connection of
 * its own process behind that queue is a deadlock no server sees. Here a start whose schema is current
 * only reads one row. A script that must run holds a transaction-scoped advisory lock (processes starting
 * together take turns, each waiting as long as the one before needs), and gives up a table lock it cannot
 * get within `lockTimeoutMs`, so the writes queued behind its request go on, then tries again after a short
 * random pause (also after a deadlock with live writes). Once it holds a lock, the writes to that table wait
 * for the statement: an index built on a large table should be added with `create index concurrently`,
 * outside these scripts.
 */
export async function applySchema(db: Pick<SqlDatabase, 'query' | 'exec'>, name: string, script: string, options: ApplySchemaOptions = {}): Promise<void> {
  const digest = createHash('sha256').update(script, 'utf8').digest('hex');
  if (await applied(db, name, digest)) return;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  // One simple-protocol script is one implicit transaction: SET LOCAL and the xact lock end with it.
  const transaction = `select pg_advisory_xact_lock(${SCHEMA_LOCK_KEY});
set local lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))};
create table if not exists schema_scripts (name text not null, digest text not null, applied_at timestamptz not null default now(), primary key (name, digest));
${script};
insert into schema_scripts (name, digest) values (${literal(name)}, ${literal(digest)}) on conflict do nothing;`;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.exec(transaction);
      return;
    } catch (error) {
      if (!RETRIED.has(codeOf(error) as string) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    }
  }
}

async function applied(db: Pick<SqlDatabase, 'query'>, name: string, digest: string): Promise<boolean> {
  try {
    return (await db.query('select 1 from schema_scripts where name = $1 and digest = $2', [name, digest])).rowCount > 0;
  } catch (error) {
    if (codeOf(error) === UNDEFINED_TABLE) return false;
    throw error;
  }
}
