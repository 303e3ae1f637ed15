import type { AttendanceRow } from '../../readModel/attendanceRows';
import { type CalendarViews, SHORT_SPAN_MS } from '../calendarViews';
import { withinReadTimeout } from './readTimeout';
import { decodeRow } from './storedRow';
import type { RedisViewContext } from './viewContext';
import { viewKeysOf } from './viewKeys';

/** The views' row read: one readRows.lua call, answered only by a view complete for the window. */
export function redisViewRowReads(view: RedisViewContext): Pick<CalendarViews, 'read'> {
  return {
    async read(userID, from, to) {
      // Short rows starting up to SHORT_SPAN_MS before the window may reach into it; long ones are read from -inf.
      const args = [view.ttl, String(from.getTime()), `(${from.getTime() - SHORT_SPAN_MS}`, `(${to.getTime()}`];
      try {
        const found = await withinReadTimeout(view.scripts.readRows(viewKeysOf(view.prefix, userID), args), view.readTimeoutMs);
        if (!Array.isArray(found)) return undefined;
        const rows: AttendanceRow[] = [];
        for (const json of found) {
          if (typeof json !== 'string') continue;
          const { row, end } = decodeRow(userID, json);
          if (end > from.getTime()) rows.push(row);
        }
        return rows;
      } catch (err) {
        view.logger?.warn({ err, userID }, 'calendar view unreadable; falling back to the read model');
        return undefined;
      }
    },
  };
}
