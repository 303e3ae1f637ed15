import type { EventTiming } from '../../calendar/eventTiming';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';
import type { EventReminders } from '../../events/reminders';
import type { EffectiveRole } from '../calendar/access';
import type { RsvpStatus } from './state';

/**
 * The actor's role on a calendar, as the caller read it from that calendar's rules: the decider checks it
 * names the calendar the event is on (an event moved meanwhile is a conflict, not a permission).
 */
export interface CalendarAccess {
  calendarID: string;
  role: EffectiveRole;
}
export type Visibility = 'default' | 'public' | 'private';

/**
 * A guest named by an address that no confirmed account has (the caller resolved every address first: one of
 * a confirmed account invites that user instead). Invited by e-mail only.
 */
export interface ExternalInvitee {
  email: string;
  optional: boolean;
}

export type InvitationResponse = 'ACCEPT' | 'DECLINE' | 'TENTATIVE';
export type Transparency = 'opaque' | 'transparent';

/** What can be asked of a CalendarEvent: intentions, validated by `decide` against the stream's state. */
export type CalendarEventCommand =
  | {
      type: 'ScheduleEvent';
      data: {
        eventID: string;
        hostID: string;
        /** The calendar to put it on, with the host's role there (writer or owner needed). */
        access: CalendarAccess;
        visibility?: Visibility;
        title: string;
        description: string | null;
        location: string | null;
        timing: EventTiming;
        recurrence: string[];
        transparency?: Transparency;
        invitedUserIDs: string[];
        externalAttendees?: ExternalInvitee[];
        guestsCanSeeOtherGuests?: boolean;
        reminders?: EventReminders;
        /** The UID a client gave it (CalDAV PUT, import); absent for API-made events. */
        iCalUID?: string;
        /** Client properties kept verbatim (see ExtraPropertiesChanged). */
        extraProperties?: string[];
        /** Answers and exceptions a "this and following" split carries over from the original series. */
        carriedOver?: { answers: Record<string, RsvpStatus>; exceptions: { originalStart: string; values: OccurrenceValues | null }[] };
      };
    }
  | { type: 'InviteAttendees'; data: { eventID: string; actorID: string; access: CalendarAccess; userIDs: string[]; externalAttendees?: ExternalInvitee[] } }
  | {
      type: 'RespondToInvitation';
      data: { eventID: string; userID: string; response?: InvitationResponse; reminders?: EventReminders; originalStart?: string };
    }
  /** An attendee invited by address answered by mail; the caller checked the mail was theirs (inbound iMIP). */
  | { type: 'RecordExternalResponse'; data: { eventID: string; email: string; response: InvitationResponse } }
  | {
      type: 'ChangeEvent';
      data: {
        eventID: string;
        actorID: string;
        access: CalendarAccess;
        changes: Partial<{
          timing: EventTiming;
          recurrence: string[];
          title: string;
          description: string | null;
          location: string | null;
          /** Replaces the guests who have accounts (with `addressedUserIDs`, when both are given). */
          invitedUserIDs: string[];
          /** Replaces the guests invited by address. */
          externalAttendees: ExternalInvitee[];
          /**
           * Accounts named by their addresses: invited too; part of the new guest list when `invitedUserIDs`
           * replaces it, else added to it (the request named them among the addresses, not among the users).
           */
          addressedUserIDs: string[];
          reminders: EventReminders;
          transparency: Transparency;
          guestsCanSeeOtherGuests: boolean;
          visibility: Visibility;
          /** Replaces the client properties kept verbatim. */
          extraProperties: string[];
        }>;
      };
    }
  | { type: 'ChangeOccurrence'; data: { eventID: string; actorID: string; access: CalendarAccess; originalStart: string; changes: Partial<OccurrenceValues> } }
  | { type: 'CancelOccurrence'; data: { eventID: string; actorID: string; access: CalendarAccess; originalStart: string } }
  | { type: 'EndSeriesAt'; data: { eventID: string; actorID: string; access: CalendarAccess; originalStart: string; recurrence: string[]; newEventID: string } }
  | { type: 'CancelEvent'; data: { eventID: string; actorID: string; access: CalendarAccess } }
  /** Brings a cancelled event back as it was (writers of its calendar). */
  | { type: 'RestoreEvent'; data: { eventID: string; actorID: string; access: CalendarAccess } }
  /** Google's events.move: onto a calendar the actor may also write. */
  | { type: 'MoveEvent'; data: { eventID: string; actorID: string; access: CalendarAccess; destination: CalendarAccess } };
