import type { CalendarEventEvent, EventReminders } from '@datebook/shared-kernel';

/** RSVP states, as the seed names them (plus TENTATIVE, as calendars offer). */
export type RsvpStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

export interface CalendarEventDetails {
  eventID: string;
  hostID: string;
  title: string;
  description: string | null;
  location: string | null;
  startTime: string;
  endTime: string;
  timeZone: string;
  /** Everyone on the event, host included, with their answer. */
  attendees: Record<string, RsvpStatus>;
  /** Each attendee's own reminders; absent means their defaults. */
  reminders: Record<string, EventReminders>;
}

export type CalendarEventState =
  | { status: 'absent' }
  | ({ status: 'scheduled' } & CalendarEventDetails)
  | ({ status: 'cancelled' } & CalendarEventDetails);

export const initialState = (): CalendarEventState => ({ status: 'absent' });

/** Applies facts; never validates, so every stream ever written still replays. */
export function evolve(state: CalendarEventState, event: CalendarEventEvent): CalendarEventState {
  if (event.type === 'CalendarEventScheduled') {
    const d = event.data;
    return { status: 'scheduled', ...d, attendees: { [d.hostID]: 'ACCEPTED' }, reminders: {} };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'AttendeeInvited':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'PENDING' } };
    case 'AttendeeUninvited': {
      const { [event.data.userID]: _removed, ...rest } = state.attendees;
      return { ...state, attendees: rest };
    }
    case 'InvitationAccepted':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'ACCEPTED' } };
    case 'InvitationDeclined':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'DECLINED' } };
    case 'InvitationTentativelyAccepted':
      return { ...state, attendees: { ...state.attendees, [event.data.userID]: 'TENTATIVE' } };
    case 'CalendarEventRescheduled':
      return { ...state, startTime: event.data.startTime, endTime: event.data.endTime, timeZone: event.data.timeZone };
    case 'CalendarEventDetailsChanged':
      return { ...state, title: event.data.title, description: event.data.description, location: event.data.location };
    case 'CalendarEventCancelled':
      return { ...state, status: 'cancelled' };
    case 'RemindersChanged': {
      const { userID, useDefault, overrides } = event.data;
      return { ...state, reminders: { ...state.reminders, [userID]: { useDefault, overrides } } };
    }
  }
}
