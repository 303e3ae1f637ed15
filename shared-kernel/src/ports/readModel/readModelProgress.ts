import type { WrittenVersion } from '../../events/recordedEvent';
import { parseStreamName } from '../../streams/streamName';
import type { SqlExecutor } from '../sql/sqlDatabase';

export interface ProjectionProgress {
  /** True once the read model includes the given version of the stream. */
  hasApplied(written: WrittenVersion): Promise<boolean>;
}

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

/**
 * Waits, polling every `pollMs`, until the read model has `written` or `timeoutMs` has passed: true when it
 * has. Reads that promise to show a write (a consistency token, a CalDAV client's listing after its PUT) wait
 * here; the bound keeps a lagging projector from holding requests for long.
 */
export async function untilApplied(progress: ProjectionProgress, written: WrittenVersion, options: { timeoutMs: number; pollMs?: number }): Promise<boolean> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    if (await progress.hasApplied(written)) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5));
  }
}
