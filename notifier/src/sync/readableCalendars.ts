import { type AccessRole, accessRoleOf, atLeast, type CalendarReader, type CalendarState, normaliseEmail } from '@datebook/shared-kernel';
import { calendarReaderOf, type EventStore, readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { grantedCalendars } from './calendarGrants';

/**
 * The most calendars, besides their own, that one person's sync follows: it bounds a sync token (each
 * calendar is in it), the store reads of a request, and a stream's work. Beyond it, the first by id.
 */
export const MAX_SYNCED_CALENDARS = 100;

export interface ReadableCalendars {
  reader: CalendarReader;
  /** Calendar id → the reader's role, by id; at most MAX_SYNCED_CALENDARS. */
  roles: Map<string, AccessRole>;
}

/**
 * The calendars a person reads now (at least freeBusyReader), each confirmed against its rules in the event
 * store, never a projection: a revoked person's very next request leaves the calendar out, whatever the
 * lag. The candidates are the calendars listed as given to them (calendarGrants.ts) and `also` (those
 * their device holds, so that one no longer listed is confirmed gone, not overlooked).
 */
export async function readableCalendars(deps: { db: SqlExecutor; store: EventStore }, userID: string, also: Iterable<string>): Promise<ReadableCalendars> {
  const reader = await calendarReaderOf(deps.store, userID);
  const candidates = new Set([...(await grantedCalendars(deps.db, reader, MAX_SYNCED_CALENDARS)), ...also]);
  candidates.delete(userID);
  const confirmed = await rolesOn(deps.store, reader, [...candidates]);
  return { reader, roles: new Map([...confirmed].sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, MAX_SYNCED_CALENDARS)) };
}

/** The reader's role on each of `calendarIDs`, from the store; those they do not follow are left out. */
export async function rolesOn(store: EventStore, reader: CalendarReader, calendarIDs: readonly string[]): Promise<Map<string, AccessRole>> {
  const found = await Promise.all(calendarIDs.map(async (calendarID) => ({ calendarID, role: followedRole((await readCalendar(store, calendarID)).state, reader) })));
  const roles = new Map<string, AccessRole>();
  for (const { calendarID, role } of found) if (role) roles.set(calendarID, role);
  return roles;
}

/**
 * The role with which a reader follows a calendar: theirs (the strongest rule that applies, as GET /events
 * reads it), when a rule names them, by account or by confirmed address, and gives at least
 * freeBusyReader. A calendar open to everyone (`default`) is readable, not followed: nobody's devices get
 * every such calendar (and a primary calendar's free/busy for everyone does not keep a revoked reader on it).
 */
export function followedRole(state: CalendarState, reader: CalendarReader): AccessRole | undefined {
  if (state.status === 'absent') return undefined;
  const email = reader.email === undefined ? undefined : normaliseEmail(reader.email);
  const named = Object.values(state.rules).some(({ scope }) => (scope.type === 'user' && scope.userID === reader.userID) || (scope.type === 'email' && scope.email === email));
  const role = accessRoleOf(state, reader);
  return named && role !== 'none' && atLeast(role, 'freeBusyReader') ? role : undefined;
}
