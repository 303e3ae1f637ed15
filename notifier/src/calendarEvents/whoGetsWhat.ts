import type { EventState, NotifierCalendarEvent } from './eventState';

/** iTIP methods (RFC 5546 §1.4) the notifier sends by iMIP (RFC 6047). */
export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export type MessageKind = 'invitation' | 'update' | 'cancellation' | 'reply';

/** One message to one person about one change; each becomes an e-mail and a push per device. */
export interface MessageIntent {
  recipient: string;
  kind: MessageKind;
  method: ItipMethod;
  /** For a REPLY: the attendee who answered. */
  from?: string;
  /** For an answer to one occurrence of a series: its original start (RECURRENCE-ID). */
  occurrence?: string;
}

export interface ChangeDecision {
  messages: MessageIntent[];
  /** Users whose calendar changed: each of their devices hears of it through the sync feed. */
  syncAudience: string[];
}

const guestsOf = (state: EventState): string[] => Object.keys(state.attendees).filter((id) => id !== state.hostID);

/**
 * Who hears of a change by message. The organizer never gets its own requests; guests get every
 * change to the event as the organizer publishes it (RFC 5546 §3.2.2 REQUEST for updates, §3.2.5
 * CANCEL, also to a removed attendee), and the organizer gets each change of an answer (§3.2.3 REPLY).
 * Changes that repeat what is already true send nothing.
 */
export function whoGetsWhat(before: EventState | undefined, after: EventState | undefined, event: NotifierCalendarEvent): ChangeDecision {
  const audience = new Set<string>([...Object.keys(before?.attendees ?? {}), ...Object.keys(after?.attendees ?? {})]);
  if (event.type === 'RemindersChanged') return { messages: [], syncAudience: [event.data.userID] };
  const syncAudience = [...audience];
  if (!after || !before || before.status === 'cancelled') return { messages: [], syncAudience };
  const messages: MessageIntent[] = [];
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
      if (before.startTime !== after.startTime || before.endTime !== after.endTime || before.timeZone !== after.timeZone) {
        for (const guest of guestsOf(after)) messages.push({ recipient: guest, kind: 'update', method: 'REQUEST' });
      }
      break;
    case 'CalendarEventDetailsChanged':
      if (before.title !== after.title || before.description !== after.description || before.location !== after.location) {
        for (const guest of guestsOf(after)) messages.push({ recipient: guest, kind: 'update', method: 'REQUEST' });
      }
      break;
    case 'RecurrenceChanged':
    case 'OccurrenceChanged':
    case 'OccurrenceCancelled':
      // The whole series is sent again with its exceptions, which every client applies (RFC 5546 §3.2.2).
      for (const guest of guestsOf(after)) messages.push({ recipient: guest, kind: 'update', method: 'REQUEST' });
      break;
    case 'OccurrenceResponded':
      if (event.data.userID !== after.hostID && before.occurrenceResponses[event.data.userID]?.[event.data.originalStart] !== event.data.rsvpStatus) {
        messages.push({ recipient: after.hostID, kind: 'reply', method: 'REPLY', from: event.data.userID, occurrence: event.data.originalStart });
      }
      break;
    case 'CalendarEventCancelled':
      for (const guest of guestsOf(before)) messages.push({ recipient: guest, kind: 'cancellation', method: 'CANCEL' });
      break;
    case 'CalendarEventScheduled':
    case 'SeriesSplit':
      break;
  }
  return { messages, syncAudience };
}
