import type { EventTiming } from '../../calendar/eventTiming';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';
import type { EventReminders } from '../../events/reminders';
import type { RsvpStatus } from './state';

export type InvitationResponse = 'ACCEPT' | 'DECLINE' | 'TENTATIVE';
export type Transparency = 'opaque' | 'transparent';

/** What can be asked of a CalendarEvent: intentions, validated by `decide` against the stream's state. */
export type CalendarEventCommand =
  | {
      type: 'ScheduleEvent';
      data: {
        eventID: string;
        hostID: string;
        title: string;
        description: string | null;
        location: string | null;
        timing: EventTiming;
        recurrence: string[];
        transparency?: Transparency;
        invitedUserIDs: string[];
        guestsCanSeeOtherGuests?: boolean;
        reminders?: EventReminders;
        /** Answers and exceptions a "this and following" split carries over from the original series. */
        carriedOver?: { answers: Record<string, RsvpStatus>; exceptions: { originalStart: string; values: OccurrenceValues | null }[] };
      };
    }
  | { type: 'InviteAttendees'; data: { eventID: string; actorID: string; userIDs: string[] } }
  | {
      type: 'RespondToInvitation';
      data: { eventID: string; userID: string; response?: InvitationResponse; reminders?: EventReminders; originalStart?: string };
    }
  | {
      type: 'ChangeEvent';
      data: {
        eventID: string;
        actorID: string;
        changes: Partial<{
          timing: EventTiming;
          recurrence: string[];
          title: string;
          description: string | null;
          location: string | null;
          invitedUserIDs: string[];
          reminders: EventReminders;
          transparency: Transparency;
          guestsCanSeeOtherGuests: boolean;
        }>;
      };
    }
  | { type: 'ChangeOccurrence'; data: { eventID: string; actorID: string; originalStart: string; changes: Partial<OccurrenceValues> } }
  | { type: 'CancelOccurrence'; data: { eventID: string; actorID: string; originalStart: string } }
  | { type: 'EndSeriesAt'; data: { eventID: string; actorID: string; originalStart: string; recurrence: string[]; newEventID: string } }
  | { type: 'CancelEvent'; data: { eventID: string; actorID: string } };
