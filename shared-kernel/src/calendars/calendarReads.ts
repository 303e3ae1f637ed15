import { type CalendarReader, accessRoleOf, type EffectiveRole } from '../aggregates/calendar/access';
import { calendarDecider, calendarStreamName } from '../aggregates/calendar/decider';
import { type CalendarState, implicitPrimaryState } from '../aggregates/calendar/state';
import { userDecider, userStreamName } from '../aggregates/user/decider';
import type { UserState } from '../aggregates/user/state';
import { calendarReaderFromUser } from '../aggregates/user/calendarList';
import type { EventStore } from '../ports/eventStore/eventStore';
import { type CaughtUp, caughtUpFold, caughtUpFolds, type FoldAsked } from './caughtUpFolds';

/**
 * Calendars and their rules read from the event store itself, never from a projection: a revoked person's
 * very next request is refused, whatever the projections' lag. Folds are kept in memory and caught up
 * with the store on every read (see caughtUpFold), so a long stream costs one small read, not its length.
 */
export interface LoadedCalendar {
  state: CalendarState;
  version: number | null;
}

export async function readUserState(store: EventStore, userID: string): Promise<UserState> {
  return (await caughtUpFold(store, userStreamName(userID), userDecider)).state;
}

/**
 * The Calendar fold for `calendarID`: a registered person's id names their primary calendar, which exists
 * unwritten. It is called by their name, not their address: everyone may read a primary calendar's free/busy.
 */
export async function calendarFoldFor(store: EventStore, calendarID: string) {
  const implicit = await calendarStartOf(store, calendarID);
  return { ...calendarDecider, initialState: () => implicit };
}

/** Where a Calendar stream's fold starts: a registered person's unwritten primary calendar, else nothing. */
async function calendarStartOf(store: EventStore, calendarID: string): Promise<CalendarState> {
  return calendarStartFrom(await readUserState(store, calendarID), calendarID);
}

/** Where a Calendar fold starts, given its owner's account as folded now. */
function calendarStartFrom(owner: UserState, calendarID: string): CalendarState {
  if (owner.status !== 'registered') return calendarDecider.initialState();
  return implicitPrimaryState({ userID: calendarID, summary: owner.userName, timeZone: owner.timeZone });
}

/**
 * Many calendars as `readCalendar` reads each, in one store round trip: each calendar's stream with its
 * owner's account (where an unwritten primary starts), both usually answered by kept folds and nothing new.
 */
export async function readCalendars(store: EventStore, calendarIDs: readonly string[]): Promise<LoadedCalendar[]> {
  return (await readCalendarsWith(store, [], calendarIDs)).calendars;
}

/**
 * `readCalendars`, with some accounts read in the same round trip (`accounts`, as `readUserState` reads each);
 * `people`: the account each calendar id names (a person's id names their primary), absent for other calendars.
 */
export async function readCalendarsWith(store: EventStore, accounts: readonly string[], calendarIDs: readonly string[]): Promise<{ users: UserState[]; calendars: LoadedCalendar[]; people: UserState[] }> {
  const asks: FoldAsked<unknown, unknown>[] = accounts.map((userID) => ({ stream: userStreamName(userID), folder: userDecider as FoldAsked<unknown, unknown>['folder'] }));
  for (const calendarID of calendarIDs) {
    asks.push({ stream: userStreamName(calendarID), folder: userDecider as FoldAsked<unknown, unknown>['folder'] });
    asks.push({
      stream: calendarStreamName(calendarID),
      folder: calendarDecider as FoldAsked<unknown, unknown>['folder'],
      initialState: (before) => calendarStartFrom(before[before.length - 1]!.state as UserState, calendarID),
    });
  }
  const folded = await caughtUpFolds(store, asks);
  return {
    users: accounts.map((_, i) => folded[i]!.state as UserState),
    calendars: calendarIDs.map((_, i) => folded[accounts.length + 2 * i + 1] as CaughtUp<CalendarState>),
    people: calendarIDs.map((_, i) => folded[accounts.length + 2 * i]!.state as UserState),
  };
}

/** Each calendar's role for `reader` (see roleOn), all read in one round trip. */
export async function rolesOn(store: EventStore, calendarIDs: readonly string[], reader: CalendarReader): Promise<{ calendar: LoadedCalendar; role: EffectiveRole }[]> {
  return (await readCalendars(store, calendarIDs)).map((calendar) => ({ calendar, role: accessRoleOf(calendar.state, reader) }));
}

/**
 * `rolesOn` for the person `readerID`, whose account is read in the same store round trip as the calendars;
 * each with the account its id names (`person`: a person's settings, read from the store, for their primary).
 */
export async function rolesOf(store: EventStore, readerID: string, calendarIDs: readonly string[]): Promise<{ calendar: LoadedCalendar; role: EffectiveRole; person: UserState }[]> {
  const { users, calendars, people } = await readCalendarsWith(store, [readerID], calendarIDs);
  const reader = calendarReaderFromUser(users[0]!, readerID);
  return calendars.map((calendar, i) => ({ calendar, role: accessRoleOf(calendar.state, reader), person: people[i]! }));
}

/** Once a calendar's stream has events, where its fold started no longer matters: the owner is read only before. */
export async function readCalendar(store: EventStore, calendarID: string): Promise<LoadedCalendar> {
  return caughtUpFold(store, calendarStreamName(calendarID), calendarDecider, () => calendarStartOf(store, calendarID));
}

/** Who a user is to calendar rules: their account, and their address once verified (an unverified claim opens nothing). */
export async function calendarReaderOf(store: EventStore, userID: string): Promise<CalendarReader> {
  return calendarReaderFromUser(await readUserState(store, userID), userID);
}

export async function roleOn(store: EventStore, calendarID: string, reader: CalendarReader): Promise<{ calendar: LoadedCalendar; role: EffectiveRole }> {
  const calendar = await readCalendar(store, calendarID);
  return { calendar, role: accessRoleOf(calendar.state, reader) };
}
