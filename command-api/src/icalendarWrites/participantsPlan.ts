import { type CalendarEventDetails, DomainError, type EventDraft, externalAttendeesOf, extraPropertiesOf } from '@datebook/shared-kernel';

const PARTICIPANT_LINE = /^(ORGANIZER|ATTENDEE)[;:]/i;

/** The most guests a write invites, of each kind: the REST routes' own bound (invitedUserIDs, attendees: 500 each). */
export const MAX_GUESTS = 500;

/**
 * Whether the draft's ORGANIZER/ATTENDEE lines are Datebook's guest list (RFC 6638 implicit scheduling:
 * the organizer's copy invites and uninvites) rather than lines to keep. Only through CalDAV, only when
 * the organizer is the host (or, for a new event, the actor) or not named, and never for an event whose
 * participants were kept as lines (an imported one: its guests were never Datebook's to invite).
 */
export function manageParticipants(
  draft: EventDraft,
  current: CalendarEventDetails | undefined,
  actorID: string,
  mode: 'import' | 'caldav',
  accountsByEmail: ReadonlyMap<string, string>,
): boolean {
  if (mode !== 'caldav') return false;
  if (current !== undefined && extraPropertiesOf(current).some((line) => PARTICIPANT_LINE.test(line))) return false;
  if (draft.organizer === null) return true;
  const organizer = accountsByEmail.get(draft.organizer);
  return organizer === (current?.hostID ?? actorID) || organizer === actorID;
}

/** The guest list a managed draft names: accounts (other than the host) and addresses no account has. */
export function guestsOf(draft: EventDraft, hostID: string, accountsByEmail: ReadonlyMap<string, string>): { userIDs: string[]; external: { email: string; optional: boolean }[] } {
  const userIDs: string[] = [];
  const external: { email: string; optional: boolean }[] = [];
  for (const attendee of draft.attendees) {
    const userID = accountsByEmail.get(attendee.email);
    if (userID !== undefined) {
      if (userID !== hostID && !userIDs.includes(userID)) userIDs.push(userID);
    } else if (attendee.email !== draft.organizer) {
      external.push({ email: attendee.email, optional: attendee.optional });
    }
  }
  // Each guest is an invitation mailed and a view written: an iCalendar write invites no more than a REST one may.
  if (userIDs.length > MAX_GUESTS || external.length > MAX_GUESTS) {
    const message = `at most ${MAX_GUESTS} guests with an account and ${MAX_GUESTS} by address`;
    throw new DomainError('VALIDATION_FAILED', `an event invites ${message}`, [{ path: 'ATTENDEE', message }]);
  }
  return { userIDs, external };
}

/** The changes to the guest list (ChangeEvent's `invitedUserIDs` / `externalAttendees`) a managed draft asks for. */
export function guestChanges(draft: EventDraft, current: CalendarEventDetails, accountsByEmail: ReadonlyMap<string, string>) {
  const wanted = guestsOf(draft, current.hostID, accountsByEmail);
  const accounts = Object.keys(current.attendees).filter((id) => id !== current.hostID);
  const addresses = Object.keys(externalAttendeesOf(current));
  const sameMembers = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;
  return {
    ...(sameMembers(accounts, wanted.userIDs) ? {} : { invitedUserIDs: wanted.userIDs }),
    ...(sameMembers(addresses, wanted.external.map((e) => e.email)) ? {} : { externalAttendees: wanted.external }),
  };
}
