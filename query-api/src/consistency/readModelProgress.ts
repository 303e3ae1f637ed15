import { parseStreamName, type WrittenVersion } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { ProjectionProgress } from './readYourWrites';

/** Progress as the PostgreSQL read model records it: the stream version stamped on each row. */
export function readModelProgress(db: SqlExecutor): ProjectionProgress {
  return {
    async hasApplied({ streamName, version }: WrittenVersion) {
      const { category, id } = parseStreamName(streamName);
      const table = category === 'CalendarEvent' ? 'rm_events where event_id' : category === 'User' ? 'rm_users where user_id' : undefined;
      if (!table) return true;
      const { rows } = await db.query<{ version: string }>(`select version::text from ${table} = $1`, [id]);
      return rows[0] !== undefined && Number(rows[0].version) >= version;
    },
  };
}
