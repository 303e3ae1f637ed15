import { createHash } from 'node:crypto';
import type { SqlDatabase } from './sqlDatabase';

/** How long one attempt waits for a table lock before it lets go and lets the queue behind it move. */
const DEFAULT_LOCK_TIMEOUT_MS = 3000;
const DEFAULT_ATTEMPTS = 20;
/** SQLSTATE 55P03 (lock_not_available, raised by lock_timeout) and 42P01 (undefined_table). */
const LOCK_NOT_AVAILABLE = '55P03';
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
 * already, as `schema_versions` records by name and SHA-256.
 *
 * Why not just run it at every start: even when nothing is missing, `create index if not exists` takes
 * a SHARE lock on its table and `alter table … add column if not exists` an ACCESS EXCLUSIVE one. A
 * starting process then queues behind every open write and every later write queues behind it, so one
 * restart under load stalls the fleet's appends; and a transaction that waits on another connection of
 * its own process behind that queue is a deadlock no server sees. Here a start whose schema is current
 * only reads one row. A script that must run holds a transaction-scoped advisory lock (two processes
 * starting together take turns), and gives up a table lock it cannot get within `lockTimeoutMs`, so
 * the writes behind it go on, then tries again after a short random pause.
 */
export async function applySchema(db: Pick<SqlDatabase, 'query' | 'exec'>, name: string, script: string, options: ApplySchemaOptions = {}): Promise<void> {
  const digest = createHash('sha256').update(script, 'utf8').digest('hex');
  if ((await recordedDigest(db, name)) === digest) return;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  // One simple-protocol script is one implicit transaction: SET LOCAL and the xact lock end with it.
  const transaction = `set local lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))};
select pg_advisory_xact_lock(${SCHEMA_LOCK_KEY});
create table if not exists schema_versions (name text primary key, digest text not null, applied_at timestamptz not null default now());
${script};
insert into schema_versions (name, digest) values (${literal(name)}, ${literal(digest)})
  on conflict (name) do update set digest = excluded.digest, applied_at = now();`;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.exec(transaction);
      return;
    } catch (error) {
      if (codeOf(error) !== LOCK_NOT_AVAILABLE || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    }
  }
}

async function recordedDigest(db: Pick<SqlDatabase, 'query'>, name: string): Promise<string | undefined> {
  try {
    const { rows } = await db.query<{ digest: string }>('select digest from schema_versions where name = $1', [name]);
    return rows[0]?.digest;
  } catch (error) {
    if (codeOf(error) === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}
