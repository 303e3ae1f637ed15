import type { EventTiming } from '../../calendar/eventTiming';
import { nominalStart } from '../../calendar/occurrences';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';
import { type EventReminders, sameReminders } from '../../events/reminders';
import { DomainError } from '../../errors/domainError';
import { normaliseEmail } from '../userEmail/decider';
import type { CalendarEventCommand, ExternalInvitee } from './commands';
import type { CalendarEventEvent } from './events';
import { currentOccurrence, requireExisting, requireOccurrence, requireValidTimes, requireRoomForException, requireWritableCalendar, requireWriterOf, requireWriterOfLiveEvent } from './invariants';
import { type CalendarEventDetails, type CalendarEventState, externalAttendeesOf, extraPropertiesOf } from './state';

function invitations(eventID: string, invitedBy: string, userIDs: string[], already: Record<string, unknown>): CalendarEventEvent[] {
  const fresh = [...new Set(userIDs)].filter((id) => !(id in already));
  return fresh.map((userID) => ({ type: 'AttendeeInvited', data: { eventID, userID, invitedBy } }));
}

// One mailbox, nothing a mailer would read as a list, a display name or a comment (RFC 5322 §3.4): the edge
// checks addresses fully; this keeps any other caller from recording what no message could be sent to.
const ONE_ADDRESS = /^[^\s@,;:<>()"[\]\\]+@[^\s@,;:<>()"[\]\\]+$/;
const MAX_ADDRESS_LENGTH = 320;

/** Each address once, in its normal form (the first mention decides `optional`); refuses what is no address. */
function distinctExternals(externals: readonly ExternalInvitee[]): Map<string, ExternalInvitee> {
  const byAddress = new Map<string, ExternalInvitee>();
  for (const external of externals) {
    const email = normaliseEmail(external.email);
    if (email.length > MAX_ADDRESS_LENGTH || !ONE_ADDRESS.test(email)) {
      throw new DomainError('VALIDATION_FAILED', 'an attendee is not one e-mail address', [{ path: 'attendees', message: 'not one e-mail address' }]);
    }
    if (!byAddress.has(email)) byAddress.set(email, { email, optional: external.optional });
  }
  return byAddress;
}

/** Invitations by e-mail for the addresses not invited yet; inviting one again changes nothing. */
function externalInvitations(eventID: string, invitedBy: string, externals: readonly ExternalInvitee[], already: Record<string, unknown>): CalendarEventEvent[] {
  return [...distinctExternals(externals).values()]
    .filter(({ email }) => !(email in already))
    .map(({ email, optional }) => ({ type: 'ExternalAttendeeInvited', data: { eventID, email, optional, invitedBy } }));
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

const answerFor = { ACCEPTED: 'ACCEPT', DECLINED: 'DECLINE', TENTATIVE: 'TENTATIVE' } as const;

const sameValues = (a: OccurrenceValues, b: OccurrenceValues) =>
  (Object.keys(a) as (keyof OccurrenceValues)[]).every((key) =>
    key === 'startTime' || key === 'endTime' ? Date.parse(a[key]) === Date.parse(b[key]) : a[key] === b[key],
  );

/**
 * The nominal start an event records: the wall time the client named, and always for a timed series,
 * whose DTSTART it is (RFC 5545 §3.3.5): a DST gap moves the first start, never the wall time repeated.
 * Left out otherwise (readers take it as null), so the facts of other events read as they always did.
 */
function startLocalOf(timing: EventTiming, recurrence: string[]): { startLocal?: string } {
  if (timing.allDay || (!timing.startLocal && recurrence.length === 0)) return {};
  return { startLocal: nominalStart(timing) };
}

function withoutStartLocal(timing: EventTiming): Omit<EventTiming, 'startLocal'> {
  const { startLocal: _nominal, ...times } = timing;
  return times;
}

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
      requireWritableCalendar(c.access, 'calendarID');
      requireValidTimes(c.timing.startTime, c.timing.endTime);
      const invited = [
        ...invitations(c.eventID, c.hostID, c.invitedUserIDs, { [c.hostID]: true }),
        ...externalInvitations(c.eventID, c.hostID, c.externalAttendees ?? [], {}),
      ];
      const carried: CalendarEventEvent[] = [];
      for (const [userID, status] of Object.entries(c.carriedOver?.answers ?? {})) {
        if (status !== 'PENDING' && userID !== c.hostID) carried.push({ type: responseEvent[answerFor[status]].type, data: { eventID: c.eventID, userID } });
      }
      for (const { originalStart, values } of c.carriedOver?.exceptions ?? []) {
        carried.push(values === null
          ? { type: 'OccurrenceCancelled', data: { eventID: c.eventID, originalStart } }
          : { type: 'OccurrenceChanged', data: { eventID: c.eventID, originalStart, ...values } });
      }
      return [
        {
          type: 'CalendarEventScheduled',
          data: {
            eventID: c.eventID, hostID: c.hostID, calendarID: c.access.calendarID, visibility: c.visibility ?? 'default', title: c.title, description: c.description, location: c.location, ...withoutStartLocal(c.timing),
            ...startLocalOf(c.timing, c.recurrence), recurrence: c.recurrence,
            transparency: c.transparency ?? (c.timing.allDay ? 'transparent' : 'opaque'),
            guestsCanSeeOtherGuests: c.guestsCanSeeOtherGuests ?? true,
            // Only when given, so the facts of API-made events read as they always did.
            ...(c.iCalUID === undefined ? {} : { iCalUID: c.iCalUID }),
            ...(c.extraProperties?.length ? { extraProperties: c.extraProperties } : {}),
          },
        },
        ...invited,
        ...carried,
        ...reminderChange(c.eventID, c.hostID, c.reminders, undefined),
      ];
    }

    case 'InviteAttendees': {
      const { actorID, userIDs, externalAttendees = [] } = command.data;
      const event = requireWriterOfLiveEvent(state, actorID, command.data.access);
      return [...invitations(event.eventID, actorID, userIDs, event.attendees), ...externalInvitations(event.eventID, actorID, externalAttendees, externalAttendeesOf(event))];
    }

    case 'RespondToInvitation': {
      const { userID, response, reminders, originalStart } = command.data;
      const event = requireExisting(state);
      const current = event.attendees[userID];
      if (current === undefined) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
      if (response !== undefined && event.hostID === userID) throw new DomainError('HOST_CANNOT_RESPOND', 'the host does not answer their own invitation');
      if (event.status === 'cancelled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
      const events: CalendarEventEvent[] = [];
      const outcome = response === undefined ? undefined : responseEvent[response];
      if (outcome && originalStart !== undefined) {
        requireOccurrence(event, originalStart);
        const already = event.occurrenceResponses[userID]?.[originalStart] ?? current;
        if (already !== outcome.status) events.push({ type: 'OccurrenceResponded', data: { eventID: event.eventID, userID, originalStart, rsvpStatus: outcome.status } });
      } else if (outcome && current !== outcome.status) {
        events.push({ type: outcome.type, data: { eventID: event.eventID, userID } });
      }
      return [...events, ...reminderChange(event.eventID, userID, reminders, event.reminders[userID])];
    }

    case 'RecordExternalResponse': {
      const { email, response } = command.data;
      const event = requireExisting(state);
      const guest = externalAttendeesOf(event)[normaliseEmail(email)];
      if (guest === undefined) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
      if (event.status === 'cancelled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
      const rsvpStatus = responseEvent[response].status;
      if (guest.rsvpStatus === rsvpStatus) return [];
      return [{ type: 'ExternalAttendeeResponded', data: { eventID: event.eventID, email: normaliseEmail(email), rsvpStatus } }];
    }

    case 'ChangeEvent':
      return changeEvent(requireWriterOfLiveEvent(state, command.data.actorID, command.data.access), command.data.actorID, command.data.changes);

    case 'ChangeOccurrence': {
      const { actorID, originalStart, changes } = command.data;
      const event = requireWriterOfLiveEvent(state, actorID, command.data.access);
      requireOccurrence(event, originalStart);
      if (event.exceptions[originalStart]?.cancelled) throw new DomainError('EVENT_CANCELLED', 'that occurrence was cancelled');
      requireRoomForException(event, originalStart);
      const current = currentOccurrence(event, originalStart);
      const next: OccurrenceValues = { ...current, ...changes };
      requireValidTimes(next.startTime, next.endTime);
      if (sameValues(current, next)) return [];
      return [{ type: 'OccurrenceChanged', data: { eventID: event.eventID, originalStart, ...next } }];
    }

    case 'CancelOccurrence': {
      const { actorID, originalStart } = command.data;
      const event = requireWriterOfLiveEvent(state, actorID, command.data.access);
      requireOccurrence(event, originalStart);
      if (event.exceptions[originalStart]?.cancelled) return [];
      requireRoomForException(event, originalStart);
      return [{ type: 'OccurrenceCancelled', data: { eventID: event.eventID, originalStart } }];
    }

    case 'EndSeriesAt': {
      const { actorID, originalStart, recurrence, newEventID } = command.data;
      const event = requireWriterOfLiveEvent(state, actorID, command.data.access);
      if (JSON.stringify(event.recurrence) === JSON.stringify(recurrence)) return [];
      return [
        { type: 'RecurrenceChanged', data: { eventID: event.eventID, recurrence } },
        { type: 'SeriesSplit', data: { eventID: event.eventID, originalStart, newEventID } },
      ];
    }

    case 'MoveEvent': {
      const { actorID, access, destination } = command.data;
      const event = requireWriterOfLiveEvent(state, actorID, access);
      if (destination.calendarID === event.calendarID) return [];
      requireWritableCalendar(destination, 'calendarID');
      return [{ type: 'CalendarEventMoved', data: { eventID: event.eventID, fromCalendarID: event.calendarID, calendarID: destination.calendarID, movedBy: actorID } }];
    }

    case 'RestoreEvent': {
      const event = requireWriterOf(state, command.data.actorID, command.data.access);
      if (event.status === 'scheduled') return [];
      return [{ type: 'CalendarEventRestored', data: { eventID: event.eventID, restoredBy: command.data.actorID } }];
    }

    case 'CancelEvent': {
      const event = requireExisting(state);
      if (event.status === 'cancelled' && event.hostID === command.data.actorID) return [];
      requireWriterOfLiveEvent(state, command.data.actorID, command.data.access);
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
  const timing: EventTiming = changes.timing ?? {
    startTime: event.startTime, endTime: event.endTime, timeZone: event.timeZone, allDay: event.allDay, startDate: event.startDate, endDate: event.endDate,
    startLocal: event.startLocal ?? null,
  };
  requireValidTimes(timing.startTime, timing.endTime);
  const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);
  if (
    !sameInstant(timing.startTime, event.startTime) || !sameInstant(timing.endTime, event.endTime) || timing.timeZone !== event.timeZone ||
    timing.allDay !== event.allDay || timing.startDate !== event.startDate || timing.endDate !== event.endDate ||
    // The same instant under another wall time (02:30 in a gap and 03:30 are one instant): the series moves.
    (!timing.allDay && nominalStart(timing) !== nominalStart(event))
  ) {
    events.push({
      type: 'CalendarEventRescheduled',
      data: { eventID: event.eventID, ...withoutStartLocal(timing), ...startLocalOf(timing, changes.recurrence ?? event.recurrence) },
    });
  }
  if (changes.recurrence !== undefined && JSON.stringify(changes.recurrence) !== JSON.stringify(event.recurrence)) {
    events.push({ type: 'RecurrenceChanged', data: { eventID: event.eventID, recurrence: changes.recurrence } });
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
    const wanted = new Set([...changes.invitedUserIDs, ...(changes.addressedUserIDs ?? [])].filter((id) => id !== event.hostID));
    for (const userID of Object.keys(event.attendees)) {
      if (userID !== event.hostID && !wanted.has(userID)) {
        events.push({ type: 'AttendeeUninvited', data: { eventID: event.eventID, userID, uninvitedBy: actorID } });
      }
    }
    events.push(...invitations(event.eventID, actorID, [...wanted], event.attendees));
  } else if (changes.addressedUserIDs !== undefined) {
    events.push(...invitations(event.eventID, actorID, changes.addressedUserIDs, event.attendees));
  }
  if (changes.externalAttendees !== undefined) {
    const current = externalAttendeesOf(event);
    const wanted = distinctExternals(changes.externalAttendees);
    for (const email of Object.keys(current)) {
      if (!wanted.has(email)) events.push({ type: 'ExternalAttendeeUninvited', data: { eventID: event.eventID, email, uninvitedBy: actorID } });
    }
    events.push(...externalInvitations(event.eventID, actorID, [...wanted.values()], current));
  }
  if (changes.guestsCanSeeOtherGuests !== undefined && changes.guestsCanSeeOtherGuests !== event.guestsCanSeeOtherGuests) {
    events.push({ type: 'GuestPermissionsChanged', data: { eventID: event.eventID, guestsCanSeeOtherGuests: changes.guestsCanSeeOtherGuests } });
  }
  if (changes.transparency !== undefined && changes.transparency !== event.transparency) {
    events.push({ type: 'TransparencyChanged', data: { eventID: event.eventID, transparency: changes.transparency } });
  }
  if (changes.visibility !== undefined && changes.visibility !== event.visibility) {
    events.push({ type: 'VisibilityChanged', data: { eventID: event.eventID, visibility: changes.visibility } });
  }
  if (changes.extraProperties !== undefined && JSON.stringify(changes.extraProperties) !== JSON.stringify(extraPropertiesOf(event))) {
    events.push({ type: 'ExtraPropertiesChanged', data: { eventID: event.eventID, extraProperties: changes.extraProperties } });
  }
  events.push(...reminderChange(event.eventID, actorID, changes.reminders, event.reminders[actorID]));
  return events;
}
