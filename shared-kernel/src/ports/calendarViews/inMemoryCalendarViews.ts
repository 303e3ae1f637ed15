import type { AttendanceRow } from '../readModel/attendanceRows';
import type { BusyInterval } from '../../intervals';
import { type CalendarViewChange, type CalendarViewEntry, type CalendarViews, viewSpan } from './calendarViews';
import { busyInWindow, type KeptBusyTime, keptBusyTime } from './viewBusyTime';

interface UserView {
  /** Event id → last version applied, kept after a removal so the removal is not undone. */
  versions: Map<string, number>;
  rows: Map<string, { row: AttendanceRow; start: number; end: number; busy: KeptBusyTime }>;
  completeFrom: number | undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * CalendarViews in process memory: the embedded default, and the reference the Redis adapter is held
 * to. `clock` (epoch ms) places the busy time kept for series.
 */
export function inMemoryCalendarViews(options: { clock?: () => number } = {}): CalendarViews {
  const clock = options.clock ?? Date.now;
  const views = new Map<string, UserView>();
  /** Change stamps outlive the views (clear), so a view built again never repeats one. */
  const stamps = new Map<string, number>();
  let lastStamp = 0;
  const moveStamp = (userID: string) => stamps.set(userID, ++lastStamp);
  const viewOf = (userID: string): UserView => {
    let view = views.get(userID);
    if (!view) {
      view = { versions: new Map(), rows: new Map(), completeFrom: undefined };
      views.set(userID, view);
    }
    return view;
  };
  const apply = (userID: string, eventID: string, version: number, row: AttendanceRow | null, rekeepBusy = false) => {
    const view = viewOf(userID);
    const seen = view.versions.get(eventID) ?? -1;
    if (version === seen && rekeepBusy) {
      const kept = view.rows.get(eventID);
      if (kept) kept.busy = keptBusyTime(kept.row, clock());
    }
    if (version <= seen) return;
    view.versions.set(eventID, version);
    // A frozen copy: a caller mutating its row later cannot change the view, and reads need not copy.
    if (row) view.rows.set(eventID, { row: deepFreeze(structuredClone(row)), ...viewSpan(row), busy: keptBusyTime(row, clock()) });
    else view.rows.delete(eventID);
  };

  const busy = async (userIDs: string[], from: Date, to: Date): Promise<Map<string, BusyInterval[]>> => {
    const found = new Map<string, BusyInterval[]>();
    for (const userID of userIDs) {
      const view = views.get(userID);
      if (view?.completeFrom === undefined || from.getTime() < view.completeFrom) continue;
      const intervals = busyInWindow([...view.rows.values()].map((r) => r.busy), from.getTime(), to.getTime());
      if (intervals) found.set(userID, intervals);
    }
    return found;
  };

  return {
    async applyChanges(changes: CalendarViewChange[]) {
      for (const c of changes) {
        apply(c.userID, c.eventID, c.version, c.row);
        moveStamp(c.userID);
      }
    },
    async changeStamps(userIDs) {
      return userIDs.map((userID) => (stamps.has(userID) ? String(stamps.get(userID)) : null));
    },
    async read(userID, from, to) {
      const view = views.get(userID);
      if (view?.completeFrom === undefined || from.getTime() < view.completeFrom) return undefined;
      return [...view.rows.values()]
        .filter((r) => r.start < to.getTime() && r.end > from.getTime())
        .sort((a, b) => a.start - b.start)
        .map((r) => r.row);
    },
    busy,
    async whoIsBusy(userIDs, from, to) {
      const found = new Map<string, boolean>();
      for (const [userID, intervals] of await busy(userIDs, from, to)) found.set(userID, intervals.length > 0);
      return found;
    },
    async backfill(userID, entries, completeFrom) {
      for (const e of entries) apply(userID, e.row.event.eventID, e.version, e.row, true);
      const view = viewOf(userID);
      view.completeFrom = Math.min(view.completeFrom ?? Infinity, completeFrom.getTime());
      moveStamp(userID);
    },
    async entries(userID) {
      const view = views.get(userID);
      if (!view) return [];
      const entries: CalendarViewEntry[] = [];
      for (const [eventID, { row }] of view.rows) entries.push({ version: view.versions.get(eventID) ?? 0, row: structuredClone(row) });
      return entries.sort((a, b) => (a.row.event.eventID < b.row.event.eventID ? -1 : 1));
    },
    async clear() {
      views.clear();
    },
  };
}
