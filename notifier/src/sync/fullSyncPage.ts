import type { CalendarReader } from '@datebook/shared-kernel';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import { heldEventsPage } from './calendarSnapshot';
import { roleThrough } from './calendarTransitions';
import { calendarOf, holdersOf, viewFor } from './changeFeed';
import { rolesOn } from './readableCalendars';
import type { FullState } from './syncState';
import { itemFor, type SyncItem, shownThrough } from './syncItem';

/** Reads of the store and the database one page of a full sync may make; a page that runs out ends short. */
const MAX_READS_PER_PAGE = 24;

/**
 * One page of a full sync: the reader's own calendar, then each calendar the sync was started for, by id,
 * each by event id; each event once, on the page of the principal it is shown through (syncItem.ts). A
 * calendar is confirmed in the store by each page that reads it: one no longer readable with the role the
 * sync started with is passed over (its items already sent are taken back, or sent again with the new
 * role, by the next sync with the token this one ends with, which names it with that role).
 */
export async function fullSyncPage(deps: { db: SqlExecutor; store: EventStore }, readerID: string, reader: () => Promise<CalendarReader>, state: FullState, maxResults: number): Promise<{ items: (SyncItem & { version: number })[]; state: FullState; done: boolean }> {
  const principals = [readerID, ...[...state.calendars.keys()].sort()];
  const all = new Set(principals);
  const items: (SyncItem & { version: number })[] = [];
  let { principal, afterEventID } = state;
  let reads = 0;
  const confirmed = new Set<string>();
  while (items.length < maxResults && principal < principals.length && reads < MAX_READS_PER_PAGE) {
    const principalID = principals[principal] ?? readerID;
    const role = roleThrough(principalID, readerID, state.calendars);
    // Confirmed on every request that reads it: a revocation between two pages applies to the second.
    if (principalID !== readerID && !confirmed.has(principalID)) {
      reads += 1;
      confirmed.add(principalID);
      if ((await rolesOn(deps.store, await reader(), [principalID])).get(principalID) !== role) {
        principal += 1;
        afterEventID = undefined;
        continue;
      }
    }
    reads += 1;
    const page = await heldEventsPage(deps.db, principalID, afterEventID, maxResults - items.length);
    for (const held of page.events) {
      const holders = new Set(Object.keys(holdersOf(held.state)).filter((id) => all.has(id)));
      if (shownThrough(readerID, holders, calendarOf(held.state)) !== principalID) continue;
      const view = viewFor(principalID, held.state);
      if (view && role) items.push({ ...itemFor(view, principalID, readerID, role), version: held.version });
    }
    if (page.more) {
      afterEventID = page.lastEventID;
    } else {
      principal += 1;
      afterEventID = undefined;
    }
  }
  const { afterEventID: _previous, ...rest } = state;
  return { items, state: { ...rest, principal, ...(afterEventID ? { afterEventID } : {}) }, done: principal >= principals.length };
}
