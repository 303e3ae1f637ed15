import { type CalendarEventEvent, DomainError, type EventReminders, sameReminders } from '@datebook/shared-kernel';
import type { CalendarEventDetails, CalendarEventState } from './calendarEvent';

export type InvitationResponse = 'ACCEPT' | 'DECLINE' | 'TENTATIVE';

export interface EventTimes {
  startTime: string;
  endTime: string;
  timeZone: string;
}

export type CalendarEventCommand =
  | {
      type: 'ScheduleEvent';
      data: EventTimes & {
        eventID: string;
        hostID: string;
        title: string;
        description: string | null;
        location: string | null;
        invitedUserIDs: string[];
        reminders?: EventReminders;
      };
    }
  | { type: 'InviteAttendees'; data: { eventID: string; actorID: string; userIDs: string[] } }
  | { type: 'RespondToInvitation'; data: { eventID: string; userID: string; response?: InvitationResponse; reminders?: EventReminders } }
  | {
      type: 'ChangeEvent';
      data: {
        eventID: string;
        actorID: string;
        changes: Partial<EventTimes & { title: string; description: string | null; location: string | null; invitedUserIDs: string[]; reminders: EventReminders }>;
      };
    }
  | { type: 'CancelEvent'; data: { eventID: string; actorID: string } };

type Existing = Extract<CalendarEventState, { status: 'scheduled' | 'cancelled' }>;

function requireExisting(state: CalendarEventState): Existing {
  if (state.status === 'absent') throw new DomainError('EVENT_NOT_FOUND', 'no such event');
  return state;
}

function requireHostOfLiveEvent(state: CalendarEventState, actorID: string): Extract<CalendarEventState, { status: 'scheduled' }> {
  const existing = requireExisting(state);
  // Someone who is not on the event must not learn that it exists.
  if (existing.hostID !== actorID && !(actorID in existing.attendees)) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
  if (existing.hostID !== actorID) throw new DomainError('NOT_HOST', 'only the host can change this event');
  if (existing.status === 'cancelled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
  return existing;
}

function requireOrderedTimes(startTime: string, endTime: string): void {
  if (Date.parse(endTime) <= Date.parse(startTime)) {
    throw new DomainError('INVALID_TIME_RANGE', 'endTime must be after startTime', [
      { path: 'endTime', message: 'must be after startTime' },
    ]);
  }
}

function invitations(eventID: string, invitedBy: string, userIDs: string[], already: Record<string, unknown>): CalendarEventEvent[] {
  const fresh = [...new Set(userIDs)].filter((id) => !(id in already));
  return fresh.map((userID) => ({ type: 'AttendeeInvited', data: { eventID, userID, invitedBy } }));
}

function reminderChange(eventID: string, userID: string, wanted: EventReminders | undefined, current: EventReminders | undefined): CalendarEventEvent[] {
  if (wanted === undefined || sameReminders(current, wanted) || (current === undefined && wanted.useDefault && wanted.overrides.length === 0)) return [];
  return [{ type: 'RemindersChanged', data: { eventID, userID, useDefault: wanted.useDefault, overrides: wanted.overrides } }];
}

const responseEvent = {
  ACCEPT: { type: 'InvitationAccepted', status: 'ACCEPTED' },
  DECLINE: { type: 'InvitationDeclined', status: 'DECLINED' },
  TENTATIVE: { type: 'InvitationTentativelyAccepted', status: 'TENTATIVE' },
} as const;

/** Pure: what happens when `command` meets `state`. Intentions already satisfied yield no events. */
export function decide(command: CalendarEventCommand, state: CalendarEventState): CalendarEventEvent[] {
  switch (command.type) {
    case 'ScheduleEvent': {
      const c = command.data;
      if (state.status !== 'absent') {
        // The same host scheduling the same id again is a retry, not a second event.
        if (state.hostID === c.hostID) return [];
        throw new DomainError('EVENT_ID_TAKEN', 'an event with this eventID already exists', [{ path: 'eventID', message: 'already taken' }]);
      }
      requireOrderedTimes(c.startTime, c.endTime);
      const scheduled: CalendarEventEvent = {
        type: 'CalendarEventScheduled',
        data: {
          eventID: c.eventID,
          hostID: c.hostID,
          title: c.title,
          description: c.description,
          location: c.location,
          startTime: c.startTime,
          endTime: c.endTime,
          timeZone: c.timeZone,
        },
      };
      return [
        scheduled,
        ...invitations(c.eventID, c.hostID, c.invitedUserIDs, { [c.hostID]: true }),
        ...reminderChange(c.eventID, c.hostID, c.reminders, undefined),
      ];
    }

    case 'InviteAttendees': {
      const event = requireHostOfLiveEvent(state, command.data.actorID);
      return invitations(event.eventID, command.data.actorID, command.data.userIDs, event.attendees);
    }

    case 'RespondToInvitation': {
      const { userID, response, reminders } = command.data;
      const event = requireExisting(state);
      const current = event.attendees[userID];
      if (current === undefined) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
      if (response !== undefined && event.hostID === userID) throw new DomainError('HOST_CANNOT_RESPOND', 'the host does not answer their own invitation');
      if (event.status === 'cancelled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
      const events: CalendarEventEvent[] = [];
      const outcome = response === undefined ? undefined : responseEvent[response];
      if (outcome && current !== outcome.status) events.push({ type: outcome.type, data: { eventID: event.eventID, userID } });
      return [...events, ...reminderChange(event.eventID, userID, reminders, event.reminders[userID])];
    }

    case 'ChangeEvent': {
      const { actorID, changes } = command.data;
      const event = requireHostOfLiveEvent(state, actorID);
      return changeEvent(event, actorID, changes);
    }

    case 'CancelEvent': {
      const event = requireExisting(state);
      if (event.status === 'cancelled' && event.hostID === command.data.actorID) return [];
      requireHostOfLiveEvent(state, command.data.actorID);
      return [{ type: 'CalendarEventCancelled', data: { eventID: event.eventID, cancelledBy: command.data.actorID } }];
    }
  }
}

function changeEvent(
  event: CalendarEventDetails,
  actorID: string,
  changes: Extract<CalendarEventCommand, { type: 'ChangeEvent' }>['data']['changes'],
): CalendarEventEvent[] {
  const events: CalendarEventEvent[] = [];
  const next = {
    startTime: changes.startTime ?? event.startTime,
    endTime: changes.endTime ?? event.endTime,
    timeZone: changes.timeZone ?? event.timeZone,
  };
  requireOrderedTimes(next.startTime, next.endTime);
  const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);
  if (!sameInstant(next.startTime, event.startTime) || !sameInstant(next.endTime, event.endTime) || next.timeZone !== event.timeZone) {
    events.push({ type: 'CalendarEventRescheduled', data: { eventID: event.eventID, ...next } });
  }
  const details = {
    title: changes.title ?? event.title,
    description: changes.description === undefined ? event.description : changes.description,
    location: changes.location === undefined ? event.location : changes.location,
  };
  if (details.title !== event.title || details.description !== event.description || details.location !== event.location) {
    events.push({ type: 'CalendarEventDetailsChanged', data: { eventID: event.eventID, ...details } });
  }
  if (changes.invitedUserIDs !== undefined) {
    const wanted = new Set(changes.invitedUserIDs.filter((id) => id !== event.hostID));
    for (const userID of Object.keys(event.attendees)) {
      if (userID !== event.hostID && !wanted.has(userID)) {
        events.push({ type: 'AttendeeUninvited', data: { eventID: event.eventID, userID, uninvitedBy: actorID } });
      }
    }
    events.push(...invitations(event.eventID, actorID, [...wanted], event.attendees));
  }
  events.push(...reminderChange(event.eventID, actorID, changes.reminders, event.reminders[actorID]));
  return events;
}
