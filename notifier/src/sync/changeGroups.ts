import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { roleThrough } from './calendarTransitions';
import { type CalendarChange, type FeedRow, principalRows } from './changeFeed';
import { type ChangesState, type FollowedCalendars, passedFrom } from './syncState';
import { itemFor, type SyncItem, shownThrough } from './syncItem';

/** A change as one reader's device gets it. */
export type SyncChange = Omit<CalendarChange, 'event'> & { event: SyncItem | null };

/** A change to send, its feed position (`token`), and where the device is once it has it. */
export interface SyncEntry {
  token: string;
  change: SyncChange;
  state: ChangesState;
}

/**
 * The feed rows of one change (one event's version): one row per principal of the reader's that held the
 * event before or holds it after. They are written in one transaction, so they are consecutive in any
 * read of the feed ordered by sequence number.
 */
export function changesOf(rows: readonly FeedRow[]): FeedRow[][] {
  const groups: FeedRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1)?.[0];
    if (last && last.change.eventID === row.change.eventID && last.change.version === row.change.version) groups.at(-1)?.push(row);
    else groups.push([row]);
  }
  return groups;
}

/**
 * One change as the reader sees it, or undefined when it is nothing to them. It is shown through one
 * principal (syncItem.ts shownThrough) among those whose rows hold the event after it, shaped by the
 * reader's role there; when none does, the event left the reader's calendars (null). Not sent: a
 * reminders change of someone else's, and a change whose rows lie at or before the position from which a
 * calendar is followed (the device got the calendar whole after it: it is older than what it holds).
 */
export function resolveChange(rows: readonly FeedRow[], readerID: string, calendars: FollowedCalendars): SyncChange | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const { event: _view, ...meta } = first.change;
  if (meta.cause === 'RemindersChanged' && !rows.some((row) => row.principalID === readerID)) return undefined;
  const covered = (row: FeedRow) => row.principalID !== readerID && (calendars.get(row.principalID)?.from ?? -1n) >= row.seq;
  const holding = rows.filter((row) => row.change.event !== null);
  const view = holding[0]?.change.event;
  const through = view ? shownThrough(readerID, new Set(holding.map((row) => row.principalID)), view.calendarID ?? view.hostID) : undefined;
  const row = holding.find((r) => r.principalID === through);
  const role = through === undefined ? undefined : roleThrough(through, readerID, calendars);
  if (row?.change.event && through !== undefined && role !== undefined) return covered(row) ? undefined : { ...meta, event: itemFor(row.change.event, through, readerID, role) };
  return rows.every(covered) ? undefined : { ...meta, event: null };
}

/**
 * Resolves whole changes in order, each entry with the device's state after it; `state` is where the device
 * is after the last one (its position moves past changes that are nothing to the reader too).
 */
export function entriesOf(groups: readonly FeedRow[][], readerID: string, state: ChangesState): { entries: SyncEntry[]; state: ChangesState } {
  const entries: SyncEntry[] = [];
  let at = state;
  for (const group of groups) {
    const last = group.at(-1);
    if (!last) continue;
    const change = resolveChange(group, readerID, at.calendars);
    at = { kind: 'changes', at: last.seq, calendars: passedFrom(at.calendars, last.seq) };
    if (change) entries.push({ token: last.seq.toString(), change, state: at });
  }
  return { entries, state: at };
}

/**
 * One page of the feed for a device that holds what the reader reads (no transition under way): the
 * changes of their own calendar and of each calendar they follow, after its position, at most `limit`.
 * A change has at most one row per principal, so `limit` plus one row per principal always holds a whole
 * first change and shows whether the last one read is whole.
 */
export async function feedPage(db: SqlExecutor, readerID: string, state: ChangesState, limit: number): Promise<{ entries: SyncEntry[]; state: ChangesState; more: boolean }> {
  const principals = [readerID, ...state.calendars.keys()];
  const rowLimit = limit + principals.length;
  const rows = await principalRows(db, new Map(principals.map((id) => [id, state.at])), rowLimit);
  const full = rows.length === rowLimit;
  const groups = changesOf(rows);
  const whole = full ? groups.slice(0, -1) : groups;
  const taken = whole.slice(0, limit);
  const page = entriesOf(taken, readerID, state);
  return { ...page, more: full || taken.length < whole.length };
}
