import { externalAttendeesOf, revisesEvent } from '@datebook/shared-kernel';
import type { EventState, NotifierCalendarEvent } from './eventState';
import { externalGuest } from './externalAttendees';

/** iTIP methods (RFC 5546 §1.4) the notifier sends by iMIP (RFC 6047). */
export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export type MessageKind = 'invitation' | 'update' | 'cancellation' | 'reply';

/** One message to one person about one change; each becomes an e-mail and a push per device. */
export interface MessageIntent {
  recipient: string;
  /**
   * A guest invited by address (`recipient` is then the address's ledger id): where to mail them. They have
   * no profile to look up, and a removed one is on neither state the message is rendered from.
   */
  toAddress?: string;
  kind: MessageKind;
  method: ItipMethod;
  /** For a REPLY: the attendee who answered. */
  from?: string;
  /**
   * About one occurrence of a series only (RFC 5546 §3.2.2.3 / §3.2.5 / §3.2.3, RECURRENCE-ID): its
   * original start. A changed occurrence is a REQUEST for it, a cancelled one a CANCEL for it, an
   * answer about it a REPLY for it.
   */
  occurrence?: string;
}

export interface ChangeDecision {
  messages: MessageIntent[];
  /** Users whose calendar changed: each of their devices hears of it through the sync feed. */
  syncAudience: string[];
  /**
   * The organizer revised the event (RFC 5546 §2.1.4: its time, recurrence, details, an occurrence
   * or its status): the command raises SEQUENCE, and its REQUEST/CANCEL announce the new one.
   */
  revises: boolean;
}

/** Everyone the organizer's messages go to: guests with accounts, and guests invited by address (by their ledger id). */
const guestsOf = (state: EventState): Pick<MessageIntent, 'recipient' | 'toAddress'>[] => [
  ...Object.keys(state.attendees).filter((id) => id !== state.hostID).map((recipient) => ({ recipient })),
  ...Object.keys(externalAttendeesOf(state)).map(externalGuest),
];

/**
 * Who hears of one change by message. The organizer never gets its own requests; guests get every
 * change to the event as the organizer publishes it (RFC 5546 §3.2.2 REQUEST for updates, §3.2.5
 * CANCEL, also to a removed attendee), and the organizer gets each change of an answer (§3.2.3 REPLY).
 * Changes that repeat what is already true send nothing. The messages of all the changes one command
 * made are merged into one per recipient (commandMessages.ts).
 */
export function whoGetsWhat(before: EventState | undefined, after: EventState | undefined, event: NotifierCalendarEvent): ChangeDecision {
  const audience = new Set<string>([...Object.keys(before?.attendees ?? {}), ...Object.keys(after?.attendees ?? {})]);
  if (event.type === 'RemindersChanged') return { messages: [], syncAudience: [event.data.userID], revises: false };
  const syncAudience = [...audience];
  // Brought back after a cancellation: every guest is invited again (RFC 5546 §3.2.2, with a new SEQUENCE).
  if (event.type === 'CalendarEventRestored' && before?.status === 'cancelled' && after?.status === 'scheduled') {
    return { messages: guestsOf(after).map((guest) => ({ ...guest, kind: 'invitation', method: 'REQUEST' })), syncAudience, revises: true };
  }
  if (!after || !before || before.status === 'cancelled') return { messages: [], syncAudience, revises: false };
  const messages: MessageIntent[] = [];
  const toGuests = (intent: Omit<MessageIntent, 'recipient' | 'toAddress'>, state: EventState = after) => {
    for (const guest of guestsOf(state)) messages.push({ ...guest, ...intent });
  };
  // The SEQUENCE rule is the aggregate's (iCalSequence.ts), so the inbound side checks REPLYs against the same number.
  const revises = revisesEvent(before, after, event);
  switch (event.type) {
    case 'AttendeeInvited': {
      const invitee = event.data.userID;
      if (invitee !== after.hostID && before.attendees[invitee] === undefined) messages.push({ recipient: invitee, kind: 'invitation', method: 'REQUEST' });
      break;
    }
    case 'AttendeeUninvited': {
      const removed = event.data.userID;
      if (removed !== before.hostID && before.attendees[removed] !== undefined) messages.push({ recipient: removed, kind: 'cancellation', method: 'CANCEL' });
      break;
    }
    case 'ExternalAttendeeInvited': {
      // RFC 6047 iMIP: the only way to reach a guest without an account is a REQUEST by e-mail.
      const { email } = event.data;
      if (externalAttendeesOf(before)[email] === undefined) messages.push({ ...externalGuest(email), kind: 'invitation', method: 'REQUEST' });
      break;
    }
    case 'ExternalAttendeeUninvited': {
      const { email } = event.data;
      if (externalAttendeesOf(before)[email] !== undefined) messages.push({ ...externalGuest(email), kind: 'cancellation', method: 'CANCEL' });
      break;
    }
    case 'InvitationAccepted':
    case 'InvitationDeclined':
    case 'InvitationTentativelyAccepted': {
      const guest = event.data.userID;
      if (guest !== after.hostID && before.attendees[guest] !== after.attendees[guest]) {
        messages.push({ recipient: after.hostID, kind: 'reply', method: 'REPLY', from: guest });
      }
      break;
    }
    case 'CalendarEventRescheduled':
      if (revises) toGuests({ kind: 'update', method: 'REQUEST' });
      break;
    case 'CalendarEventDetailsChanged':
      if (revises) toGuests({ kind: 'update', method: 'REQUEST' });
      break;
    case 'RecurrenceChanged':
      // The whole series is sent again with its exceptions, which every client applies (RFC 5546 §3.2.2).
      toGuests({ kind: 'update', method: 'REQUEST' });
      break;
    case 'OccurrenceChanged':
      // RFC 5546 §3.2.2.3: a change to one instance is a REQUEST for that instance (RECURRENCE-ID).
      toGuests({ kind: 'update', method: 'REQUEST', occurrence: event.data.originalStart });
      break;
    case 'OccurrenceCancelled':
      // RFC 5546 §3.2.5: cancelling one instance is a CANCEL for that instance (RECURRENCE-ID).
      if (revises) toGuests({ kind: 'cancellation', method: 'CANCEL', occurrence: event.data.originalStart });
      break;
    case 'ExternalAttendeeResponded': {
      // A guest invited by address answered by mail (inbound iMIP): the organizer hears of it as of any answer.
      const { email } = event.data;
      if (externalAttendeesOf(before)[email]?.rsvpStatus !== externalAttendeesOf(after)[email]?.rsvpStatus) {
        messages.push({ recipient: after.hostID, kind: 'reply', method: 'REPLY', from: externalGuest(email).recipient });
      }
      break;
    }
    case 'OccurrenceResponded':
      if (event.data.userID !== after.hostID && before.occurrenceResponses[event.data.userID]?.[event.data.originalStart] !== event.data.rsvpStatus) {
        messages.push({ recipient: after.hostID, kind: 'reply', method: 'REPLY', from: event.data.userID, occurrence: event.data.originalStart });
      }
      break;
    case 'CalendarEventCancelled':
      toGuests({ kind: 'cancellation', method: 'CANCEL' }, before);
      break;
    case 'CalendarEventScheduled':
    case 'SeriesSplit':
    case 'TransparencyChanged':
    case 'GuestPermissionsChanged':
      break;
  }
  return { messages, syncAudience, revises };
}
