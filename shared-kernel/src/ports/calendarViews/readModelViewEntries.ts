import { ATTENDANCE_COLUMNS, ATTENDANCE_FROM, type AttendanceRecord, toAttendanceRow } from '../readModel/attendanceRows';
import type { SqlExecutor } from '../sql/sqlDatabase';
import type { CalendarViewEntry } from './calendarViews';

/**
 * A user's view as the PostgreSQL read model holds it: every row of a live event whose span ends
 * after `since`, each with its event's version, read in one statement so row and version agree.
 * `undefined` when there are more than `limit` rows: too big a view to copy in one go.
 */
export async function readModelViewEntries(db: SqlExecutor, userID: string, since: Date, limit: number): Promise<CalendarViewEntry[] | undefined> {
  const { rows } = await db.query<AttendanceRecord & { version: string }>(
    `select ${ATTENDANCE_COLUMNS}, e.version::text as version
     from ${ATTENDANCE_FROM}
     where eu.user_id = $1 and eu.event_status = 'confirmed' and eu.span_end > $2
     limit $3`,
    [userID, since.toISOString(), limit + 1],
  );
  if (rows.length > limit) return undefined;
  return rows.map((r) => ({ version: Number(r.version), row: toAttendanceRow(r) }));
}
