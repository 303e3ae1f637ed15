import { atLeast, type CalendarState, DomainError, type UserState } from '@datebook/shared-kernel';
import { userIDSchema } from '@datebook/shared-kernel/http';
import type { RolesReader } from '@datebook/shared-kernel/ports';
import { z } from 'zod';

/**
 * What free/busy, suggestions and availability answer for a calendar the caller may not see, exactly as
 * Google's freebusy.query does. A calendar that does not exist answers alike: whether it exists is not
 * for someone without a role on it to learn (404, never 403, item by item).
 */
export const NOT_FOUND_ERRORS = [{ domain: 'global', reason: 'notFound' }] as const;
export const ItemErrors = z.array(z.object({ domain: z.string(), reason: z.string() })).describe("Only on an item you may not see or that does not exist: [{domain: 'global', reason: 'notFound'}]; it then counts as neither free nor busy");

/** A list of calendar ids next to `userIDs`, with the same limits; `primary` names the caller's own. */
export const calendarIDList = (max: number) =>
  z.array(z.union([z.literal('primary'), userIDSchema]).describe("A calendar id (UUID), or `primary`: the caller's own"))
    .min(1).max(max)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'list each calendar once' })
    .describe("Calendars (ids from POST /calendars, or a person's id for their primary calendar); each needs at least freeBusyReader");

/** One item of a request: a person (their primary calendar, whose id is theirs) or a calendar, as asked and as resolved. */
export interface AskedCalendar {
  list: 'userIDs' | 'calendarIDs';
  /** The id as the request spelled it (echoed back). */
  asked: string;
  calendarID: string;
}

/**
 * An item with what the store says of it now: seen, with its calendar and the account its id names (a
 * person's settings, for their primary), or not.
 */
export type CheckedCalendar = AskedCalendar & ({ visible: true; calendar: CalendarState; person: UserState } | { visible: false });

/** The items of a request in order, people first; `primary` names the requester's own calendar. */
export function askedCalendars(body: { userIDs?: string[] | undefined; calendarIDs?: string[] | undefined }, requesterID: string): AskedCalendar[] {
  return [
    ...(body.userIDs ?? []).map((id) => ({ list: 'userIDs' as const, asked: id, calendarID: id })),
    ...(body.calendarIDs ?? []).map((id) => ({ list: 'calendarIDs' as const, asked: id, calendarID: id === 'primary' ? requesterID : id })),
  ];
}

/**
 * Refuses the same calendar asked twice (a person in `userIDs` and their id, or `primary`, in `calendarIDs`),
 * naming the second: it would count twice in "find a time" and answer twice in free/busy.
 */
export function refuseRepeats(items: AskedCalendar[]): AskedCalendar[] {
  const seen = new Set<string>();
  const positions = { userIDs: 0, calendarIDs: 0 };
  const twice = items.flatMap((item) => {
    const at = positions[item.list]++;
    const repeated = seen.has(item.calendarID);
    seen.add(item.calendarID);
    return repeated ? [{ path: `${item.list}.${at}`, message: 'already asked: list each calendar once' }] : [];
  });
  if (twice.length > 0) throw new DomainError('VALIDATION_FAILED', 'the same calendar was asked twice', twice);
  return items;
}

const isPrimary = (state: CalendarState) => state.status !== 'absent' && state.primary;

/**
 * Which items the requester may see, as the event store says now (`roles`: `rolesOf`, or `stampedRoles`, which
 * reads only what moved), never a projection, so a rule revoked a moment ago hides the calendar from the very
 * next request. Seeing means at least
 * `freeBusyReader`; a user id must name a person (their primary calendar). The requester's own primary
 * always answers.
 */
export async function checkedCalendars(roles: RolesReader, requesterID: string, items: AskedCalendar[]): Promise<CheckedCalendar[]> {
  // Each calendar read once, however often it was asked about (availability allows repeats), all with the requester's account in one store round trip.
  const calendarIDs = [...new Set(items.map((item) => item.calendarID))];
  const found = new Map((await roles(requesterID, calendarIDs)).map((read, i) => [calendarIDs[i]!, read]));
  return items.map((item): CheckedCalendar => {
    const { calendar, role, person } = found.get(item.calendarID)!;
    const own = item.calendarID === requesterID;
    const visible = own || (atLeast(role, 'freeBusyReader') && (item.list === 'calendarIDs' || isPrimary(calendar.state)));
    // Written out rather than spread: free/busy checks 50 items a request.
    return visible
      ? { list: item.list, asked: item.asked, calendarID: item.calendarID, visible, calendar: calendar.state, person }
      : { list: item.list, asked: item.asked, calendarID: item.calendarID, visible: false };
  });
}

/**
 * Whether each person seen among the items adds every invitation to their calendar (the views hold every
 * invitation; someone who adds only some is read from the read model), as their account in the store says.
 */
export function invitationSettingsOf(items: CheckedCalendar[]): Map<string, boolean> {
  const settings = new Map<string, boolean>();
  for (const item of items) {
    if (item.visible && item.person.status === 'registered') settings.set(item.calendarID, (item.person.addInvitations ?? 'everyone') === 'everyone');
  }
  return settings;
}

/** How an item names itself in an answer: `{userID}` for a person, `{calendarID}` for a calendar, as asked. */
export const itemKey = (item: AskedCalendar): { userID: string } | { calendarID: string } =>
  item.list === 'userIDs' ? { userID: item.asked } : { calendarID: item.asked };
