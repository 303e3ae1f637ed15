import { type CalendarEventDetails, externalAttendeesOf, type RsvpStatus } from '../aggregates/calendarEvent/state';
import { mailto } from './alarms';
import type { RenderAudience } from './renderInput';

const PARTSTAT: Record<RsvpStatus, string> = { PENDING: 'NEEDS-ACTION', ACCEPTED: 'ACCEPTED', DECLINED: 'DECLINED', TENTATIVE: 'TENTATIVE' };

/** Whether the audience sees every guest (the host's view, or a guest allowed to see the others). */
export function seesAllGuests(event: Pick<CalendarEventDetails, 'guestsCanSeeOtherGuests'>, audience: RenderAudience): boolean {
  return typeof audience !== 'object' || event.guestsCanSeeOtherGuests;
}

/**
 * ORGANIZER (the host, RFC 5545 §3.8.4.3) and an ATTENDEE per guest (§3.8.4.1) with PARTSTAT (§3.2.12),
 * the host as CHAIR; for one occurrence (`originalStart`) its own answers. A guest who may not see the
 * others sees the host and themself.
 */
export function peopleLines(event: CalendarEventDetails, audience: RenderAudience, emailOf: (userID: string) => string | undefined, originalStart?: string): string[] {
  const all = seesAllGuests(event, audience);
  const shown = (userID: string) => all || userID === event.hostID || (typeof audience === 'object' && audience.attendee === userID);
  const lines: string[] = [];
  const hostAddress = emailOf(event.hostID);
  if (hostAddress !== undefined) lines.push(`ORGANIZER:${mailto(hostAddress)}`);
  for (const [userID, answer] of Object.entries(event.attendees)) {
    const address = shown(userID) ? emailOf(userID) : undefined;
    if (address === undefined) continue;
    const status = (originalStart === undefined ? undefined : event.occurrenceResponses[userID]?.[originalStart]) ?? answer;
    const role = userID === event.hostID ? 'CHAIR' : 'REQ-PARTICIPANT';
    lines.push(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=${role};PARTSTAT=${PARTSTAT[status]}:${mailto(address)}`);
  }
  if (all) {
    for (const [email, guest] of Object.entries(externalAttendeesOf(event))) {
      lines.push(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=${guest.optional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT'};PARTSTAT=${PARTSTAT[guest.rsvpStatus]}:${mailto(email)}`);
    }
  }
  return lines;
}
