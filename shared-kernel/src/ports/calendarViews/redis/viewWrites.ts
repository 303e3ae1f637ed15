import type { AttendanceRow } from '../../readModel/attendanceRows';
import { type CalendarViewChange, type CalendarViewEntry, type CalendarViews, SHORT_SPAN_MS, viewSpan } from '../calendarViews';
import { keptBusyTimeEncoder } from './busyTimeEncoding';
import { rowEncoder } from './storedRow';
import type { RedisViewContext } from './viewContext';
import { viewKeysOf } from './viewKeys';

/** Rows per applyChanges.lua call of a backfill, so no script blocks Redis for long. */
const BACKFILL_CHUNK = 200;
/** Users whose scripts are encoded before they are sent, while Redis runs the ones sent before. */
const USERS_PER_SEND = 64;

/**
 * Rows as applyChanges.lua takes them (see its ARGV), `row: null` removing one, all at one `now`. What
 * depends only on the event (its span, its JSON, its busy time per kind of answer) is worked out once
 * per event object, however many people's rows share it.
 */
function rowArgsEncoder(now: number): (eventID: string, version: number, row: AttendanceRow | null) => string[] {
  const spans = new WeakMap<AttendanceRow['event'], { start: number; end: number }>();
  const encodeRow = rowEncoder();
  const encodeBusy = keptBusyTimeEncoder(now);
  return (eventID, version, row) => {
    if (!row) return [eventID, String(version), '', '0', '', '', '', '', '0'];
    let span = spans.get(row.event);
    if (!span) {
      span = viewSpan(row);
      spans.set(row.event, span);
    }
    const { start, end } = span;
    const index = !Number.isFinite(start) ? ['l', '-inf'] : [end - start <= SHORT_SPAN_MS ? 's' : 'l', String(start)];
    return [eventID, String(version), ...index, encodeRow(row, end), ...encodeBusy(row)];
  };
}

/** The views' writes, both through applyChanges.lua and so both under its version guard. */
export function redisViewWrites(view: RedisViewContext): Pick<CalendarViews, 'applyChanges' | 'backfill'> {
  const apply = (userID: string, args: string[]) => view.scripts.apply(viewKeysOf(view.prefix, userID), args);
  return {
    async applyChanges(changes: CalendarViewChange[]) {
      const byUser = new Map<string, CalendarViewChange[]>();
      for (const c of changes) {
        const mine = byUser.get(c.userID);
        if (mine) mine.push(c);
        else byUser.set(c.userID, [c]);
      }
      // One script per user (a Cluster cannot run one across slots), pipelined on the connection. Sent as they
      // are encoded, a few dozen users at a time, so Redis runs the first while the rest are encoded.
      const rowArgs = rowArgsEncoder(view.clock());
      const replies: Promise<unknown>[] = [];
      for (const [userID, mine] of byUser) {
        const args = [view.ttl, '', ''];
        for (const c of mine) for (const arg of rowArgs(c.eventID, c.version, c.row)) args.push(arg);
        const reply = apply(userID, args);
        // Handled now, so a failure is not reported as unhandled while later users are encoded; Promise.all rethrows it.
        reply.catch(() => undefined);
        replies.push(reply);
        // ioredis sends what was queued on its next setImmediate, which comes before this one.
        if (replies.length % USERS_PER_SEND === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(replies);
    },

    async backfill(userID, entries: CalendarViewEntry[], completeFrom) {
      // Chunked; only the last chunk marks the view complete.
      const rowArgs = rowArgsEncoder(view.clock());
      for (let i = 0; i === 0 || i < entries.length; i += BACKFILL_CHUNK) {
        const chunk = entries.slice(i, i + BACKFILL_CHUNK);
        const last = i + BACKFILL_CHUNK >= entries.length;
        const args = [view.ttl, last ? String(completeFrom.getTime()) : '', '1'];
        for (const e of chunk) args.push(...rowArgs(e.row.event.eventID, e.version, e.row));
        await apply(userID, args);
      }
    },
  };
}
