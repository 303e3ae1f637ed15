import type { EventTiming } from '../../calendar/eventTiming';
import { DomainError } from '../../errors/domainError';
import type { CalendarAccess, CalendarEventCommand } from './commands';
import { decide } from './decide';
import type { CalendarEventEvent } from './events';
import { planSplit } from './seriesSplit';
import { evolve, externalAttendeesOf, extraPropertiesOf, iCalUIDOf, initialState } from './state';
import { eventIDForICalUID, eventIDOfDerivedUID } from './iCalUID';
import { MAX_EXCEPTIONS_PER_SERIES } from './invariants';

const host = '11111111-1111-4111-8111-111111111111';
const ann = '22222222-2222-4222-8222-222222222222';
const bob = '33333333-3333-4333-8333-333333333333';
const stranger = '44444444-4444-4444-8444-444444444444';
const eventID = '55555555-5555-4555-8555-555555555555';
/** Everyone's role on the event's calendar (the host's primary): the host owns it, nobody else was given any. */
const accessOf = (userID: string): CalendarAccess => ({ calendarID: host, role: userID === host ? 'owner' : 'none' });

const scheduled: CalendarEventEvent = {
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Standup', description: null, location: 'Room 1',
    startTime: '2025-03-10T09:00:00.000Z', endTime: '2025-03-10T09:30:00.000Z', timeZone: 'Europe/Berlin',
    allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
  },
};
const timed = (startTime: string, endTime: string): EventTiming => ({ startTime, endTime, timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null });
const annInvited: CalendarEventEvent = { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } };

/** Given past events, when a command is decided, then these events (or this error). */
function given(...history: CalendarEventEvent[]) {
  const state = history.reduce(evolve, initialState());
  return {
    when: (command: CalendarEventCommand) => ({
      then: (expected: CalendarEventEvent[]) => expect(decide(command, state)).toEqual(expected),
      thenFails: (code: string) => {
        try {
          decide(command, state);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          return;
        }
        throw new Error(`expected ${code}, but the command was accepted`);
      },
    }),
  };
}

const schedule = (invitedUserIDs: string[], timing = timed('2025-03-10T09:00:00.000Z', '2025-03-10T09:30:00.000Z')): CalendarEventCommand => ({
  type: 'ScheduleEvent',
  data: { eventID, hostID: host, access: accessOf(host), title: 'Standup', description: null, location: 'Room 1', timing, recurrence: [], invitedUserIDs },
});

describe('ScheduleEvent', () => {
  it('schedules with the host accepted and each invitee invited once', () => {
    given().when(schedule([ann, ann, host])).then([scheduled, annInvited]);
  });
  it('rejects an end before the start', () => {
    given().when(schedule([], timed('2025-03-10T10:00:00.000Z', '2025-03-10T09:00:00.000Z'))).thenFails('INVALID_TIME_RANGE');
  });
  it('treats a retry by the same host as already done', () => {
    given(scheduled).when(schedule([ann])).then([]);
  });
  it('refuses an eventID another host already uses', () => {
    const other = schedule([]);
    if (other.type === 'ScheduleEvent') other.data.hostID = bob;
    given(scheduled).when(other).thenFails('EVENT_ID_TAKEN');
  });
});

describe('InviteAttendees', () => {
  it('invites only people not yet on the event', () => {
    given(scheduled, annInvited)
      .when({ type: 'InviteAttendees', data: { eventID, actorID: host, access: accessOf(host), userIDs: [ann, bob] } })
      .then([{ type: 'AttendeeInvited', data: { eventID, userID: bob, invitedBy: host } }]);
  });
  it('is for the host only', () => {
    given(scheduled, annInvited).when({ type: 'InviteAttendees', data: { eventID, actorID: ann, access: accessOf(ann), userIDs: [bob] } }).thenFails('NOT_HOST');
  });
  it('hides the event from strangers', () => {
    given(scheduled).when({ type: 'InviteAttendees', data: { eventID, actorID: stranger, access: accessOf(stranger), userIDs: [bob] } }).thenFails('EVENT_NOT_FOUND');
  });
  it('needs an existing event', () => {
    given().when({ type: 'InviteAttendees', data: { eventID, actorID: host, access: accessOf(host), userIDs: [bob] } }).thenFails('EVENT_NOT_FOUND');
  });
});

describe('RespondToInvitation', () => {
  it('records an answer', () => {
    given(scheduled, annInvited)
      .when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'ACCEPT' } })
      .then([{ type: 'InvitationAccepted', data: { eventID, userID: ann } }]);
  });
  it('takes the same answer twice as a no-op, a changed answer as new', () => {
    const accepted: CalendarEventEvent = { type: 'InvitationAccepted', data: { eventID, userID: ann } };
    given(scheduled, annInvited, accepted).when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'ACCEPT' } }).then([]);
    given(scheduled, annInvited, accepted)
      .when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'DECLINE' } })
      .then([{ type: 'InvitationDeclined', data: { eventID, userID: ann } }]);
  });
  it('is not for people who were not invited, nor for the host', () => {
    given(scheduled).when({ type: 'RespondToInvitation', data: { eventID, userID: bob, response: 'ACCEPT' } }).thenFails('EVENT_NOT_FOUND');
    given(scheduled).when({ type: 'RespondToInvitation', data: { eventID, userID: host, response: 'DECLINE' } }).thenFails('HOST_CANNOT_RESPOND');
  });
  it('is refused once the event is cancelled', () => {
    given(scheduled, annInvited, { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } })
      .when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'ACCEPT' } })
      .thenFails('EVENT_CANCELLED');
  });
});

describe('ChangeEvent', () => {
  it('reschedules, renames and re-invites in one decision', () => {
    given(scheduled, annInvited)
      .when({
        type: 'ChangeEvent',
        data: { eventID, actorID: host, access: accessOf(host), changes: { timing: timed('2025-03-10T10:00:00.000Z', '2025-03-10T11:00:00.000Z'), title: 'Planning', invitedUserIDs: [bob] } },
      })
      .then([
        { type: 'CalendarEventRescheduled', data: { eventID, ...timed('2025-03-10T10:00:00.000Z', '2025-03-10T11:00:00.000Z') } },
        { type: 'CalendarEventDetailsChanged', data: { eventID, title: 'Planning', description: null, location: 'Room 1' } },
        { type: 'AttendeeUninvited', data: { eventID, userID: ann, uninvitedBy: host } },
        { type: 'AttendeeInvited', data: { eventID, userID: bob, invitedBy: host } },
      ]);
  });
  it('yields nothing when nothing changes (same instant written differently)', () => {
    given(scheduled, annInvited)
      .when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { timing: timed('2025-03-10T10:00:00+01:00', '2025-03-10T09:30:00.000Z'), title: 'Standup', invitedUserIDs: [ann] } } })
      .then([]);
  });
  it('checks the merged times', () => {
    given(scheduled).when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { timing: timed('2025-03-10T12:00:00.000Z', '2025-03-10T09:30:00.000Z') } } }).thenFails('INVALID_TIME_RANGE');
  });
  it('is for the host of a live event', () => {
    given(scheduled, annInvited).when({ type: 'ChangeEvent', data: { eventID, actorID: ann, access: accessOf(ann), changes: { title: 'x' } } }).thenFails('NOT_HOST');
    given(scheduled, { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } })
      .when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { title: 'x' } } })
      .thenFails('EVENT_CANCELLED');
  });
});

describe('CancelEvent', () => {
  it('cancels once; cancelling again is a no-op', () => {
    const cancelled: CalendarEventEvent = { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } };
    given(scheduled).when({ type: 'CancelEvent', data: { eventID, actorID: host, access: accessOf(host) } }).then([cancelled]);
    given(scheduled, cancelled).when({ type: 'CancelEvent', data: { eventID, actorID: host, access: accessOf(host) } }).then([]);
  });
  it('is for the host only', () => {
    given(scheduled, annInvited).when({ type: 'CancelEvent', data: { eventID, actorID: ann, access: accessOf(ann) } }).thenFails('NOT_HOST');
  });
});

describe('RestoreEvent', () => {
  const cancelled: CalendarEventEvent = { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } };
  const restore = (actorID: string): CalendarEventCommand => ({ type: 'RestoreEvent', data: { eventID, actorID, access: accessOf(actorID) } });
  it('brings a cancelled event back as it was, once', () => {
    given(scheduled, cancelled).when(restore(host)).then([{ type: 'CalendarEventRestored', data: { eventID, restoredBy: host } }]);
    given(scheduled).when(restore(host)).then([]);
    const back = [scheduled, annInvited, cancelled, { type: 'CalendarEventRestored', data: { eventID, restoredBy: host } } as CalendarEventEvent].reduce(evolve, initialState());
    expect(back).toMatchObject({ status: 'scheduled', title: 'Standup', attendees: { [ann]: 'PENDING' } });
  });
  it('is for writers of its calendar only; nothing to bring back is not found', () => {
    given(scheduled, annInvited, cancelled).when(restore(ann)).thenFails('NOT_HOST');
    given(scheduled, cancelled).when(restore(stranger)).thenFails('EVENT_NOT_FOUND');
    given().when(restore(host)).thenFails('EVENT_NOT_FOUND');
  });
});

describe('reminders', () => {
  const mine = { useDefault: false, overrides: [{ method: 'email' as const, minutes: 30 }] };
  it('records the host reminders given at booking', () => {
    const command = schedule([]);
    if (command.type === 'ScheduleEvent') command.data.reminders = mine;
    given().when(command).then([scheduled, { type: 'RemindersChanged', data: { eventID, userID: host, ...mine } }]);
  });
  it('lets an invitee set their own reminders with or without answering, once', () => {
    const set: CalendarEventEvent = { type: 'RemindersChanged', data: { eventID, userID: ann, ...mine } };
    given(scheduled, annInvited).when({ type: 'RespondToInvitation', data: { eventID, userID: ann, reminders: mine } }).then([set]);
    given(scheduled, annInvited, set).when({ type: 'RespondToInvitation', data: { eventID, userID: ann, reminders: mine } }).then([]);
    given(scheduled, annInvited)
      .when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'ACCEPT', reminders: mine } })
      .then([{ type: 'InvitationAccepted', data: { eventID, userID: ann } }, set]);
  });
  it('treats "use my defaults" as no change until reminders were set', () => {
    given(scheduled, annInvited).when({ type: 'RespondToInvitation', data: { eventID, userID: ann, reminders: { useDefault: true, overrides: [] } } }).then([]);
  });
});

describe('recurring series', () => {
  const weekly: CalendarEventEvent = {
    type: 'CalendarEventScheduled',
    data: { ...(scheduled.data as Extract<CalendarEventEvent, { type: 'CalendarEventScheduled' }>['data']), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] },
  };
  const second = '2025-03-17T09:00:00.000Z';

  it('changes one occurrence, and only once', () => {
    const changed: CalendarEventEvent = {
      type: 'OccurrenceChanged',
      data: { eventID, originalStart: second, startTime: '2025-03-17T10:00:00.000Z', endTime: '2025-03-17T10:30:00.000Z', startDate: null, endDate: null, title: 'Standup', description: null, location: 'Room 1' },
    };
    const command: CalendarEventCommand = { type: 'ChangeOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: second, changes: { startTime: '2025-03-17T10:00:00.000Z', endTime: '2025-03-17T10:30:00.000Z' } } };
    given(weekly).when(command).then([changed]);
    given(weekly, changed).when(command).then([]);
  });

  it('refuses an original start that is no occurrence, and occurrences of single events', () => {
    given(weekly).when({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: '2025-03-18T09:00:00.000Z' } }).thenFails('EVENT_NOT_FOUND');
    given(weekly).when({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: '2025-04-07T09:00:00.000Z' } }).thenFails('EVENT_NOT_FOUND');
    given(scheduled).when({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: '2025-03-10T09:00:00.000Z' } }).thenFails('VALIDATION_FAILED');
  });

  it('cancels an occurrence once', () => {
    const cancelled: CalendarEventEvent = { type: 'OccurrenceCancelled', data: { eventID, originalStart: second } };
    given(weekly).when({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: second } }).then([cancelled]);
    given(weekly, cancelled).when({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: second } }).then([]);
  });

  it('keeps at most MAX_EXCEPTIONS_PER_SERIES changed or cancelled occurrences, whichever path writes them; those already kept may change again', () => {
    const daily: CalendarEventEvent = {
      type: 'CalendarEventScheduled',
      data: { ...(scheduled.data as Extract<CalendarEventEvent, { type: 'CalendarEventScheduled' }>['data']), recurrence: ['RRULE:FREQ=DAILY;COUNT=400'] },
    };
    const day = (n: number) => new Date(Date.parse('2025-03-10T09:00:00.000Z') + n * 86_400_000).toISOString();
    const full = Array.from({ length: MAX_EXCEPTIONS_PER_SERIES }, (_, n): CalendarEventEvent => ({ type: 'OccurrenceCancelled', data: { eventID, originalStart: day(n) } }));
    const cancel = (n: number): CalendarEventCommand => ({ type: 'CancelOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: day(n) } });
    given(daily, ...full).when(cancel(MAX_EXCEPTIONS_PER_SERIES)).thenFails('VALIDATION_FAILED');
    given(daily, ...full).when({ type: 'ChangeOccurrence', data: { eventID, actorID: host, access: accessOf(host), originalStart: day(300), changes: { title: 'x' } } }).thenFails('VALIDATION_FAILED');
    given(daily, ...full).when(cancel(0)).then([]);
    given(daily, ...full.slice(1)).when(cancel(MAX_EXCEPTIONS_PER_SERIES)).then([{ type: 'OccurrenceCancelled', data: { eventID, originalStart: day(MAX_EXCEPTIONS_PER_SERIES) } }]);
  });

  it('lets an invitee answer one occurrence differently', () => {
    given(weekly, annInvited)
      .when({ type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'DECLINE', originalStart: second } })
      .then([{ type: 'OccurrenceResponded', data: { eventID, userID: ann, originalStart: second, rsvpStatus: 'DECLINED' } }]);
  });
});

describe('guestsCanSeeOtherGuests and the valid domain', () => {
  it('records that guests may not see each other, and only a change of it', () => {
    given(scheduled).when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { guestsCanSeeOtherGuests: false } } })
      .then([{ type: 'GuestPermissionsChanged', data: { eventID, guestsCanSeeOtherGuests: false } }]);
    given(scheduled).when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { guestsCanSeeOtherGuests: true } } }).then([]);
  });

  it('refuses times outside 1900–2200 and events longer than five years, whatever the edge let through', () => {
    const schedule = (timing: EventTiming): CalendarEventCommand => ({
      type: 'ScheduleEvent', data: { eventID, hostID: host, access: accessOf(host), title: 't', description: null, location: null, timing, recurrence: [], invitedUserIDs: [] },
    });
    given().when(schedule(timed('9999-12-31T00:00:00.000Z', '9999-12-31T01:00:00.000Z'))).thenFails('VALIDATION_FAILED');
    given().when(schedule(timed('1899-12-31T00:00:00.000Z', '1899-12-31T01:00:00.000Z'))).thenFails('VALIDATION_FAILED');
    given().when(schedule(timed('2030-01-01T00:00:00.000Z', '2040-01-01T00:00:00.000Z'))).thenFails('VALIDATION_FAILED');
    given(scheduled).when({ type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes: { timing: timed('2199-12-31T23:00:00.000Z', '2200-01-01T00:00:01.000Z') } } }).thenFails('VALIDATION_FAILED');
    given().when(schedule(timed('2199-12-31T23:00:00.000Z', '2200-01-01T00:00:00.000Z'))).then([expect.objectContaining({ type: 'CalendarEventScheduled' }) as CalendarEventEvent]);
  });
});

describe('invitations by e-mail (addresses no confirmed account has)', () => {
  const dan = 'dan@example.com';
  const danInvited: CalendarEventEvent = { type: 'ExternalAttendeeInvited', data: { eventID, email: dan, optional: false, invitedBy: host } };
  const invite = (actorID: string, externalAttendees: { email: string; optional: boolean }[], userIDs: string[] = []): CalendarEventCommand => ({
    type: 'InviteAttendees', data: { eventID, actorID, access: accessOf(actorID), userIDs, externalAttendees },
  });
  const change = (changes: Extract<CalendarEventCommand, { type: 'ChangeEvent' }>['data']['changes']): CalendarEventCommand => ({
    type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes },
  });

  it('invites each address once, in its normal form, with the first mention deciding optional', () => {
    const command = schedule([ann]);
    if (command.type === 'ScheduleEvent') command.data.externalAttendees = [{ email: ' Dan@Example.COM ', optional: true }, { email: dan, optional: false }];
    given().when(command).then([scheduled, annInvited, { type: 'ExternalAttendeeInvited', data: { eventID, email: dan, optional: true, invitedBy: host } }]);
  });

  it('folds them into the state as PENDING, and out again when uninvited; states from before read as none', () => {
    const state = [scheduled, danInvited].reduce(evolve, initialState());
    expect(state.status === 'scheduled' && state.externalAttendees).toEqual({ [dan]: { rsvpStatus: 'PENDING', optional: false } });
    const after = evolve(state, { type: 'ExternalAttendeeUninvited', data: { eventID, email: dan, uninvitedBy: host } });
    expect(after.status === 'scheduled' && after.externalAttendees).toEqual({});
    const older = evolve(initialState(), scheduled);
    expect(older.status === 'scheduled' && 'externalAttendees' in older).toBe(false);
    expect(older.status === 'scheduled' && externalAttendeesOf(older)).toEqual({});
  });

  it('invites by address alone, and only addresses not yet on the event', () => {
    given(scheduled, danInvited)
      .when(invite(host, [{ email: 'DAN@example.com', optional: true }, { email: 'eve@example.com', optional: true }]))
      .then([{ type: 'ExternalAttendeeInvited', data: { eventID, email: 'eve@example.com', optional: true, invitedBy: host } }]);
    given(scheduled, danInvited).when(invite(host, [{ email: dan, optional: false }])).then([]);
  });

  it('lets the same people invite by address as by user, and no one else', () => {
    given(scheduled, annInvited).when(invite(ann, [{ email: dan, optional: false }])).thenFails('NOT_HOST');
    given(scheduled).when(invite(stranger, [{ email: dan, optional: false }])).thenFails('EVENT_NOT_FOUND');
    given(scheduled, { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } }).when(invite(host, [{ email: dan, optional: false }])).thenFails('EVENT_CANCELLED');
  });

  it('refuses what is not one address, whatever the edge let through', () => {
    given(scheduled).when(invite(host, [{ email: 'dan@example.com, eve@example.com', optional: false }])).thenFails('VALIDATION_FAILED');
    given(scheduled).when(invite(host, [{ email: 'Dan <dan@example.com>', optional: false }])).thenFails('VALIDATION_FAILED');
  });

  it('replaces the addresses on a change, leaving them alone when the change does not name them', () => {
    given(scheduled, danInvited)
      .when(change({ externalAttendees: [{ email: 'eve@example.com', optional: false }] }))
      .then([
        { type: 'ExternalAttendeeUninvited', data: { eventID, email: dan, uninvitedBy: host } },
        { type: 'ExternalAttendeeInvited', data: { eventID, email: 'eve@example.com', optional: false, invitedBy: host } },
      ]);
    given(scheduled, danInvited).when(change({ externalAttendees: [{ email: dan, optional: false }] })).then([]);
    given(scheduled, danInvited, annInvited)
      .when(change({ invitedUserIDs: [] }))
      .then([{ type: 'AttendeeUninvited', data: { eventID, userID: ann, uninvitedBy: host } }]);
  });

  it('adds accounts named by address, or counts them in the new guest list when invitedUserIDs replaces it', () => {
    given(scheduled, annInvited)
      .when(change({ addressedUserIDs: [bob, host], externalAttendees: [] }))
      .then([{ type: 'AttendeeInvited', data: { eventID, userID: bob, invitedBy: host } }]);
    given(scheduled, annInvited).when(change({ invitedUserIDs: [], addressedUserIDs: [ann] })).then([]);
    given(scheduled, annInvited)
      .when(change({ invitedUserIDs: [bob], addressedUserIDs: [] }))
      .then([{ type: 'AttendeeUninvited', data: { eventID, userID: ann, uninvitedBy: host } }, { type: 'AttendeeInvited', data: { eventID, userID: bob, invitedBy: host } }]);
  });

  it('carries them over to the series that "this and following" starts', () => {
    const weekly: CalendarEventEvent = {
      type: 'CalendarEventScheduled',
      data: { ...(scheduled.data as Extract<CalendarEventEvent, { type: 'CalendarEventScheduled' }>['data']), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] },
    };
    const series = [weekly, { ...danInvited, data: { ...danInvited.data, optional: true } } as CalendarEventEvent].reduce(evolve, initialState());
    if (series.status !== 'scheduled') throw new Error('the series does not fold');
    const nextID = '66666666-6666-4666-8666-666666666666';
    const plan = planSplit(series, '2025-03-17T09:00:00.000Z', { timing: timed('2025-03-17T10:00:00.000Z', '2025-03-17T10:30:00.000Z') }, nextID, host, accessOf(host));
    expect(decide({ type: 'ScheduleEvent', data: plan.continuation }, initialState())).toContainEqual({
      type: 'ExternalAttendeeInvited', data: { eventID: nextID, email: dan, optional: true, invitedBy: host },
    });
  });
});

describe('iCalendar identity and client properties', () => {
  const dan = 'dan@example.org';
  const danInvited: CalendarEventEvent = { type: 'ExternalAttendeeInvited', data: { eventID, email: dan, optional: false, invitedBy: host } };
  const change = (changes: Extract<CalendarEventCommand, { type: 'ChangeEvent' }>['data']['changes']): CalendarEventCommand => ({
    type: 'ChangeEvent', data: { eventID, actorID: host, access: accessOf(host), changes },
  });
  const respond = (email: string, response: 'ACCEPT' | 'DECLINE' | 'TENTATIVE'): CalendarEventCommand => ({ type: 'RecordExternalResponse', data: { eventID, email, response } });

  it('records the UID and the properties a client gave, and leaves them out of API-made events', () => {
    const fromClient = schedule([]);
    if (fromClient.type !== 'ScheduleEvent') throw new Error('unreachable');
    const withUID: CalendarEventCommand = { ...fromClient, data: { ...fromClient.data, iCalUID: 'abc@apple', extraProperties: ['CATEGORIES:Work'] } };
    given().when(withUID).then([{ ...scheduled, data: { ...scheduled.data, iCalUID: 'abc@apple', extraProperties: ['CATEGORIES:Work'] } } as CalendarEventEvent]);
    const state = [scheduled].reduce(evolve, initialState());
    expect(state.status === 'scheduled' && iCalUIDOf(state)).toBe(`${eventID}@datebook`);
  });
  it('replaces the client properties only when they differ', () => {
    given(scheduled).when(change({ extraProperties: [] })).then([]);
    given(scheduled).when(change({ extraProperties: ['X-A:1'] })).then([{ type: 'ExtraPropertiesChanged', data: { eventID, extraProperties: ['X-A:1'] } }]);
    const after = [scheduled, { type: 'ExtraPropertiesChanged', data: { eventID, extraProperties: ['X-A:1'] } } as CalendarEventEvent].reduce(evolve, initialState());
    expect(after.status === 'scheduled' && extraPropertiesOf(after)).toEqual(['X-A:1']);
  });
  it('records an answer by mail from a guest invited by address, once', () => {
    given(scheduled, danInvited).when(respond('Dan@Example.org', 'ACCEPT')).then([{ type: 'ExternalAttendeeResponded', data: { eventID, email: dan, rsvpStatus: 'ACCEPTED' } }]);
    const answered: CalendarEventEvent = { type: 'ExternalAttendeeResponded', data: { eventID, email: dan, rsvpStatus: 'ACCEPTED' } };
    given(scheduled, danInvited, answered).when(respond(dan, 'ACCEPT')).then([]);
    const state = [scheduled, danInvited, answered].reduce(evolve, initialState());
    expect(state.status === 'scheduled' && externalAttendeesOf(state)[dan]).toEqual({ rsvpStatus: 'ACCEPTED', optional: false });
  });
  it('refuses an answer from an address that was not invited, or to a cancelled event', () => {
    given(scheduled).when(respond(dan, 'DECLINE')).thenFails('EVENT_NOT_FOUND');
    given(scheduled, danInvited, { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } }).when(respond(dan, 'DECLINE')).thenFails('EVENT_CANCELLED');
  });
  it('gives one UID on one calendar one event id, another on another calendar', () => {
    expect(eventIDForICalUID(host, 'x@y')).toBe(eventIDForICalUID(host, 'x@y'));
    expect(eventIDForICalUID(host, 'x@y')).not.toBe(eventIDForICalUID(ann, 'x@y'));
    expect(eventIDOfDerivedUID(`${eventID}@datebook`)).toBe(eventID);
    expect(eventIDOfDerivedUID('other@datebook')).toBeUndefined();
  });
});
