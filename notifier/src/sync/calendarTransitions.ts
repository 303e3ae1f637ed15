import type { AccessRole } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { heldEventsPage, heldSincePage } from './calendarSnapshot';
import { calendarOf, holdersOf, viewFor } from './changeFeed';
import type { SyncChange, SyncEntry } from './changeGroups';
import type { ChangesState, FollowedCalendars, TransitionMode } from './syncState';
import { itemFor, shownThrough } from './syncItem';

/** The causes of the changes a transition sends (not domain events: what happened to the reader's access). */
const CAUSES: Record<TransitionMode, string> = { add: 'CalendarAccessGained', change: 'CalendarAccessChanged', remove: 'CalendarAccessLost' };

const byID = <T>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : 1));

/**
 * What a device must be sent before it may take feed changes again, given the calendars the reader reads
 * now (`roles`, confirmed in the store): the transition under way, else the first calendar it holds that
 * it may no longer read (taken back: `remove`), else the first it reads with a role other than the one it
 * was sent with (`change`) or not at all (`add`); undefined when the device holds exactly what the reader
 * reads. Removals go first, so a device never holds more calendars than the reader may read.
 *
 * A calendar sent whole (`add`, `change`) is followed from the feed position taken now, before its first
 * page is read (`positionNow`): its changes up to there are older than what the device gets, or from
 * before the reader could read it (a new reader does not get the calendar's past), so they are not sent.
 */
export async function nextTransition(state: ChangesState, roles: ReadonlyMap<string, AccessRole>, positionNow: () => Promise<bigint>): Promise<ChangesState | undefined> {
  const t = state.transition;
  if (t && (t.mode === 'remove' || roles.get(t.calendarID) === t.role)) return state;
  // A calendar being sent that is no longer readable with that role is settled below like any other.
  const { transition: _dropped, ...settled } = state;
  for (const [calendarID, followed] of byID(settled.calendars)) {
    if (roles.has(calendarID)) continue;
    const calendars = new Map(settled.calendars);
    calendars.delete(calendarID);
    return { ...settled, calendars, transition: { calendarID, mode: 'remove', role: followed.role, since: followed.from ?? settled.at } };
  }
  for (const [calendarID, role] of byID(roles)) {
    const followed = settled.calendars.get(calendarID);
    if (followed?.role === role) continue;
    const calendars = new Map(settled.calendars);
    calendars.set(calendarID, { role, from: await positionNow() });
    const transition = followed
      ? { calendarID, mode: 'change' as const, role, since: followed.from ?? settled.at }
      : { calendarID, mode: 'add' as const, role };
    return { ...settled, calendars, transition };
  }
  return undefined;
}

/** The reader's role through a principal: their own calendar, or one they follow. */
export function roleThrough(principalID: string, readerID: string, calendars: FollowedCalendars): AccessRole | undefined {
  return principalID === readerID ? 'owner' : calendars.get(principalID)?.role;
}

/**
 * One page (at most `limit` events read) of the transition under way in `state`, and the state after it.
 * Each event is sent as the device should now hold it: through the principal it is shown through now
 * (syncItem.ts shownThrough), or null when none of the reader's principals holds it.
 * - add: the calendar's events shown through it.
 * - change: the same with the new role, and the events that left it since the device's position (null,
 *   or as another principal shows them).
 * - remove: the events the device holds through it (those it held then and holds now, and those with a
 *   change in its feed since the device's position), each null or as another principal shows them;
 *   events the device holds through another principal are left alone.
 */
export async function transitionPage(db: SqlExecutor, readerID: string, state: ChangesState, limit: number, now: Date): Promise<{ entries: SyncEntry[]; state: ChangesState }> {
  const t = state.transition;
  if (!t) return { entries: [], state };
  const principals = new Set([readerID, ...state.calendars.keys()]);
  const page = t.mode === 'add'
    ? await heldEventsPage(db, t.calendarID, t.afterEventID, limit)
    : await heldSincePage(db, t.calendarID, t.since ?? state.at, t.afterEventID, limit);
  const entries: SyncEntry[] = [];
  for (const held of page.events) {
    const holdersNow = held.state.status === 'scheduled' ? Object.keys(holdersOf(held.state)) : [];
    const heldByIt = holdersNow.includes(t.calendarID);
    const holders = new Set(holdersNow.filter((id) => principals.has(id)));
    const calendarID = calendarOf(held.state);
    const through = shownThrough(readerID, holders, calendarID);
    if (t.mode === 'add' && through !== t.calendarID) continue;
    if (t.mode === 'change' && heldByIt && through !== t.calendarID) continue;
    if (t.mode === 'remove' && heldByIt && shownThrough(readerID, new Set([...holders, t.calendarID]), calendarID) !== t.calendarID) continue;
    const view = through === undefined ? null : viewFor(through, held.state);
    const role = through === undefined ? undefined : roleThrough(through, readerID, state.calendars);
    const change: SyncChange = {
      eventID: held.eventID, cause: CAUSES[t.mode], version: held.version, occurredAt: now.toISOString(),
      event: view && role && through ? itemFor(view, through, readerID, role) : null,
    };
    entries.push({ token: state.at.toString(), change, state: { ...state, transition: { ...t, afterEventID: held.eventID } } });
  }
  const after: ChangesState = page.more && page.lastEventID ? { ...state, transition: { ...t, afterEventID: page.lastEventID } } : withoutTransition(state);
  const last = entries.at(-1);
  if (last) last.state = after;
  return { entries, state: after };
}

function withoutTransition(state: ChangesState): ChangesState {
  const { transition: _done, ...rest } = state;
  return rest;
}
