import { type BusyInterval, isRecurring, plainOccurrenceStarts } from '../../index';
import { allDayWindow, type AttendanceRow, personalOccurrences } from '../readModel/attendanceRows';
import { viewSpan } from './calendarViews';

const DAY_MS = 86_400_000;
/**
 * A series' occurrences are kept as busy intervals from this long before the write (from its start
 * when that is later; for a series ended before then, over the same length up to its end)…
 */
export const BUSY_KEPT_BEFORE_MS = 31 * DAY_MS;
/** …to this long after that; windows outside the kept stretch are answered from the read model. */
export const BUSY_KEPT_AHEAD_MS = 366 * DAY_MS;

/**
 * The busy time one row gives its person, ready to be kept in a view: every interval, and the span it
 * is exact for. A single event is kept whole; a series (possibly endless) only around `now`, so
 * `coveredFrom`/`coveredUntil` say where the kept occurrences stop (±Infinity: nowhere). A view
 * answers busy time for a window only when every row covers it; a backfill re-centres a row's span.
 */
export interface KeptBusyTime {
  intervals: BusyInterval[];
  coveredFrom: number;
  coveredUntil: number;
}

const NOTHING: KeptBusyTime = Object.freeze({ intervals: [], coveredFrom: -Infinity, coveredUntil: Infinity });

/**
 * What `busyTime` would count for this row, computed once when the row is written: occurrences of an
 * opaque event its person has not declined ('busy' when accepted, else 'tentative').
 */
export function keptBusyTime(row: AttendanceRow, now: number): KeptBusyTime {
  if (row.event.transparency !== 'opaque') return NOTHING;
  const span = viewSpan(row);
  const recurring = isRecurring(row.event);
  // The kept stretch: from a month ago, or from the series' start when it starts later, or the
  // series' last stretch when it ends before that would.
  const length = BUSY_KEPT_BEFORE_MS + BUSY_KEPT_AHEAD_MS;
  const anchor = Math.max(span.start, Math.min(now - BUSY_KEPT_BEFORE_MS, span.end - length));
  const from = recurring ? Math.max(span.start, anchor) : span.start;
  let until = recurring ? Math.min(span.end, anchor + length) : span.end;
  const coveredFrom = from > span.start ? from : -Infinity;
  const expanded = busyOccurrences(row, from, until);
  let intervals = expanded.intervals;
  const stoppedAt = expanded.stoppedAt;
  if (stoppedAt < until) {
    // The expansion stopped early (cap or budget): kept time is exact only up to where it stopped, so
    // windows after that are answered by the read model, which counts the rest as busy.
    until = stoppedAt;
    intervals = intervals.filter((i) => i.start < until);
  }
  return { intervals, coveredFrom, coveredUntil: until < span.end ? until : Infinity };
}

/**
 * The row's occurrences in [from, until) as busy intervals (none when declined), and where the expansion
 * stopped early (Infinity: it did not). A row with no answers to single occurrences, of an event with no
 * exceptions, is expanded as bare instants (`plainOccurrenceStarts`), the common case at every write of a
 * series; any other goes through `personalOccurrences`, which the unit test holds this to.
 */
function busyOccurrences(row: AttendanceRow, from: number, until: number): { intervals: BusyInterval[]; stoppedAt: number } {
  if (!hasAnswersToOccurrences(row)) {
    const window = row.event.allDay ? allDayWindow(new Date(from), new Date(until), 'UTC') : { from, to: until };
    const plain = plainOccurrenceStarts(row.event, window);
    if (plain) {
      const kind = row.rsvpStatus === 'ACCEPTED' ? 'busy' : 'tentative';
      const intervals: BusyInterval[] = row.rsvpStatus === 'DECLINED' ? [] : plain.starts.map((start) => ({ start, end: start + plain.duration, kind }));
      return { intervals, stoppedAt: plain.truncated ? plain.completeBefore : Infinity };
    }
  }
  const { occurrences, unexpanded } = personalOccurrences([row], new Date(from), new Date(until), 'UTC');
  return {
    intervals: occurrences.map((o) => ({ start: Date.parse(o.startTime), end: Date.parse(o.endTime), kind: o.rsvpStatus === 'ACCEPTED' ? 'busy' : 'tentative' })),
    stoppedAt: Math.min(...unexpanded.map((u) => u.from)),
  };
}

function hasAnswersToOccurrences(row: AttendanceRow): boolean {
  for (const _ in row.occurrenceResponses) return true;
  return false;
}

/** The kept intervals of a set of rows that overlap [from, to), when every row covers the window; else undefined. */
export function busyInWindow(kept: Iterable<KeptBusyTime>, from: number, to: number): BusyInterval[] | undefined {
  const found: BusyInterval[] = [];
  for (const k of kept) {
    if (k.coveredFrom > from || k.coveredUntil < to) return undefined;
    for (const i of k.intervals) if (i.start < to && i.end > from) found.push(i);
  }
  return found.sort((a, b) => a.start - b.start);
}
