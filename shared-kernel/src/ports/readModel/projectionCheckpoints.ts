import { type LogPosition, START_OF_LOG } from '../../events/recordedEvent';
import type { SqlExecutor } from '../sql/sqlDatabase';

/** Where a projection has got to in the global log; stored beside (and committed with) its writes. */
export async function readCheckpoint(db: SqlExecutor, projection: string): Promise<LogPosition> {
  const { rows } = await db.query<{ transaction_id: string; position: string }>(
    'select transaction_id::text, position::text from rm_checkpoints where projection = $1',
    [projection],
  );
  const row = rows[0];
  return row ? { transactionId: BigInt(row.transaction_id), position: BigInt(row.position) } : START_OF_LOG;
}

export async function writeCheckpoint(tx: SqlExecutor, projection: string, position: LogPosition): Promise<void> {
  await tx.query(
    `insert into rm_checkpoints (projection, transaction_id, position, updated_at) values ($1, $2::numeric, $3::bigint, now())
     on conflict (projection) do update set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`,
    [projection, position.transactionId.toString(), position.position.toString()],
  );
}
