import type { AttendanceRow } from '../../readModel/attendanceRows';
import { type CalendarViewChange, type CalendarViewEntry, type CalendarViews, SHORT_SPAN_MS, viewSpan } from '../calendarViews';
import { encodeKeptBusyTime } from './busyTimeEncoding';
import { encodeRow } from './storedRow';
import type { RedisViewContext } from './viewContext';
import { viewKeysOf } from './viewKeys';

/** Rows per applyChanges.lua call of a backfill, so no script blocks Redis for long. */
const BACKFILL_CHUNK = 200;

/** One row as applyChanges.lua takes it (see its ARGV): `row: null` removes it. */
function rowArgs(eventID: string, version: number, row: AttendanceRow | null, now: number): string[] {
  if (!row) return [eventID, String(version), '', '0', '', '', '', '', '0'];
  const { start, end } = viewSpan(row);
  const index = !Number.isFinite(start) ? ['l', '-inf'] : [end - start <= SHORT_SPAN_MS ? 's' : 'l', String(start)];
  return [eventID, String(version), ...index, encodeRow(row, end), ...encodeKeptBusyTime(row, now)];
}

/** The views' writes, both through applyChanges.lua and so both under its version guard. */
export function redisViewWrites(view: RedisViewContext): Pick<CalendarViews, 'applyChanges' | 'backfill'> {
  const apply = (userID: string, args: string[]) => view.scripts.apply(viewKeysOf(view.prefix, userID), args);
  return {
    async applyChanges(changes: CalendarViewChange[]) {
      const byUser = new Map<string, string[]>();
      for (const c of changes) {
        const args = byUser.get(c.userID) ?? [view.ttl, '', ''];
        args.push(...rowArgs(c.eventID, c.version, c.row, view.clock()));
        byUser.set(c.userID, args);
      }
      // One script per user: a Cluster cannot run one across slots; the calls are pipelined on the connection.
      await Promise.all([...byUser].map(([userID, args]) => apply(userID, args)));
    },

    async backfill(userID, entries: CalendarViewEntry[], completeFrom) {
      // Chunked; only the last chunk marks the view complete.
      for (let i = 0; i === 0 || i < entries.length; i += BACKFILL_CHUNK) {
        const chunk = entries.slice(i, i + BACKFILL_CHUNK);
        const last = i + BACKFILL_CHUNK >= entries.length;
        const args = [view.ttl, last ? String(completeFrom.getTime()) : '', '1'];
        for (const e of chunk) args.push(...rowArgs(e.row.event.eventID, e.version, e.row, view.clock()));
        await apply(userID, args);
      }
    },
  };
}
