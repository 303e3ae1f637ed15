import type { CalendarEventEvent } from './events';
import type { EventReminders } from '../../events/reminders';
import type { EventTiming } from '../../calendar/eventTiming';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';

/** RSVP states, as the seed names them (plus TENTATIVE, as calendars offer). */
export type RsvpStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

/** Someone invited by an address no confirmed account has: they can answer only by mail (inbound iMIP). */
export interface ExternalAttendee {
  /** PENDING until they answer by mail (ExternalAttendeeResponded). */
  rsvpStatus: RsvpStatus;
  /** Google's attendee.optional (RFC 5545 ROLE=OPT-PARTICIPANT). */
  optional: boolean;
}

/** What one occurrence of a series became (RFC 5545 RECURRENCE-ID overrides). */
export type OccurrenceException = { cancelled: true } | ({ cancelled: false } & OccurrenceValues);

export interface CalendarEventDetails extends EventTiming {
  eventID: string;
  hostID: string;
  /** The calendar the event is on; its rules say who else may see and change it. */
  calendarID: string;
  visibility: 'default' | 'public' | 'private';
  title: string;
  description: string | null;
  location: string | null;
  /** RFC 5545 RRULE / RDATE / EXDATE lines; empty for a single event. */
  recurrence: string[];
  /** Whether the event blocks time in free/busy (RFC 5545 TRANSP). */
  transparency: 'opaque' | 'transparent';
  /** Whether guests see who else is invited (Google's guestsCanSeeOtherGuests); the host always does. */
  guestsCanSeeOtherGuests: boolean;
  /** Everyone on the event, host included, with their answer. */
  attendees: Record<string, RsvpStatus>;
  /**
   * Guests invited by address only, keyed by the address in its normal form. Absent in every state until
   * the first is invited, so streams and states from before it fold and compare as they always did: read
   * it through `externalAttendeesOf`.
   */
  externalAttendees?: Record<string, ExternalAttendee>;
  /** The UID a client gave the event; absent or null for events made through the API (read it through `iCalUIDOf`). */
  iCalUID?: string | null;
  /** Client properties kept verbatim (see ExtraPropertiesChanged); absent means none (read through `extraPropertiesOf`). */
  extraProperties?: string[];
  /** Each attendee's own reminders; absent means their defaults. */
  reminders: Record<string, EventReminders>;
  /** Keyed by original start (see OccurrenceChanged). */
  exceptions: Record<string, OccurrenceException>;
  /** Answers that differ for one occurrence: user → original start → answer. */
  occurrenceResponses: Record<string, Record<string, RsvpStatus>>;
}

export type CalendarEventState =
  | { status: 'absent' }
  | ({ status: 'scheduled' } & CalendarEventDetails)
  | ({ status: 'cancelled' } & CalendarEventDetails);

/** The guests invited by address; none in states folded before they existed. */
export const externalAttendeesOf = (event: Pick<CalendarEventDetails, 'externalAttendees'>): Record<string, ExternalAttendee> => event.externalAttendees ?? {};

/**
 * The event's RFC 5545 UID: the one a client gave it, else one derived from its id, as every invitation the
 * notifier ever sent named it (so calendar apps merge the invitation and the synced copy into one event).
 */
export const iCalUIDOf = (event: Pick<CalendarEventDetails, 'eventID' | 'iCalUID'>): string => event.iCalUID ?? `${event.eventID}@datebook`;

export const extraPropertiesOf = (event: Pick<CalendarEventDetails, 'extraProperties'>): string[] => event.extraProperties ?? [];

export const initialState = (): CalendarEventState => ({ status: 'absent' });

/** Applies facts; never validates, so every stream ever written still replays. */
export function evolve(state: CalendarEventState, event: CalendarEventEvent): CalendarEventState {
  if (event.type === 'CalendarEventScheduled') {
    const d = event.data;
    return {
      // Defaults of older payloads were filled in on read (see ./upcasters).
      status: 'scheduled', ...d,
      attendees: { [d.hostID]: 'ACCEPTED' }, reminders: {}, exceptions: {}, occurrenceResponses: {},
    };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'AttendeeInvited':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'PENDING' } };
    case 'AttendeeUninvited': {
      const { [event.data.userID]: _removed, ...rest } = state.attendees;
      return { ...state, attendees: rest };
    }
    case 'ExternalAttendeeInvited': {
      const { email, optional } = event.data;
      return { ...state, externalAttendees: { ...externalAttendeesOf(state), [email]: { rsvpStatus: 'PENDING', optional } } };
    }
    case 'ExternalAttendeeResponded': {
      const { email, rsvpStatus } = event.data;
      const current = externalAttendeesOf(state)[email];
      if (!current) return state;
      return { ...state, externalAttendees: { ...externalAttendeesOf(state), [email]: { ...current, rsvpStatus } } };
    }
    case 'ExtraPropertiesChanged':
      return { ...state, extraProperties: event.data.extraProperties };
    case 'ExternalAttendeeUninvited': {
      const { [event.data.email]: _removed, ...rest } = externalAttendeesOf(state);
      return { ...state, externalAttendees: rest };
    }
    case 'InvitationAccepted':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'ACCEPTED' } };
    case 'InvitationDeclined':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'DECLINED' } };
    case 'InvitationTentativelyAccepted':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'TENTATIVE' } };
    case 'CalendarEventRescheduled': {
      const { eventID: _id, ...times } = event.data;
      // A new start without a nominal wall time must not keep the old one.
      return { ...state, ...times, startLocal: times.startLocal ?? null };
    }
    case 'CalendarEventDetailsChanged':
      return { ...state, title: event.data.title, description: event.data.description, location: event.data.location };
    case 'CalendarEventCancelled':
      return { ...state, status: 'cancelled' };
    case 'CalendarEventRestored':
      return { ...state, status: 'scheduled' };
    case 'RemindersChanged': {
      const { userID, useDefault, overrides } = event.data;
      return { ...state, reminders: { ...state.reminders, [userID]: { useDefault, overrides } } };
    }
    case 'RecurrenceChanged':
      return { ...state, recurrence: event.data.recurrence };
    case 'OccurrenceChanged': {
      const { eventID: _id, originalStart, ...values } = event.data;
      return { ...state, exceptions: { ...state.exceptions, [originalStart]: { cancelled: false, ...values } } };
    }
    case 'OccurrenceCancelled':
      return { ...state, exceptions: { ...state.exceptions, [event.data.originalStart]: { cancelled: true } } };
    case 'OccurrenceResponded': {
      const { userID, originalStart, rsvpStatus } = event.data;
      const mine = { ...state.occurrenceResponses[userID], [originalStart]: rsvpStatus };
      return { ...state, occurrenceResponses: { ...state.occurrenceResponses, [userID]: mine } };
    }
    case 'SeriesSplit':
      return state;
    case 'TransparencyChanged':
      return { ...state, transparency: event.data.transparency };
    case 'GuestPermissionsChanged':
      return { ...state, guestsCanSeeOtherGuests: event.data.guestsCanSeeOtherGuests };
    case 'CalendarEventMoved':
      return { ...state, calendarID: event.data.calendarID };
    case 'VisibilityChanged':
      return { ...state, visibility: event.data.visibility };
  }
}
