import { type LogPosition, START_OF_LOG } from '../../events/recordedEvent';
import { applySchema } from './appliedSchema';
import type { SqlExecutor } from './sqlDatabase';

/** Where a reader of the global log has got to, by name, in one of the checkpoint tables. */
export interface LogCheckpoints {
  /** Creates the table if it is missing. */
  ensureSchema(): Promise<void>;
  load(name: string): Promise<LogPosition>;
  save(name: string, position: LogPosition): Promise<void>;
}

/** Consumer groups and the relay keep their checkpoints alike; each in its own table, keyed by its own column. */
export function logCheckpoints(db: SqlExecutor & { exec(script: string): Promise<void> }, table: 'consumer_checkpoints' | 'relay_checkpoints', keyColumn: 'consumer_group' | 'relay_name'): LogCheckpoints {
  return {
    ensureSchema: () =>
      applySchema(
        db,
        table,
        `create table if not exists ${table} (
          ${keyColumn} text primary key,
          transaction_id numeric(20) not null,
          position bigint not null,
          updated_at timestamptz not null default now()
        );`,
      ),
    async load(name) {
      const { rows } = await db.query<{ t: string; p: string }>(
        `select transaction_id::text as t, position::text as p from ${table} where ${keyColumn} = $1`,
        [name],
      );
      const row = rows[0];
      return row ? { transactionId: BigInt(row.t), position: BigInt(row.p) } : START_OF_LOG;
    },
    async save(name, position) {
      await db.query(
        `insert into ${table} (${keyColumn}, transaction_id, position, updated_at) values ($1, $2::numeric, $3::bigint, now())
         on conflict (${keyColumn}) do update set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`,
        [name, position.transactionId.toString(), position.position.toString()],
      );
    },
  };
}
