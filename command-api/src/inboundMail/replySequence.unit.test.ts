import { type CalendarEventEvent, currentSchemaVersion, iCalSequenceOf, type RecordedEvent } from '@datebook/shared-kernel';
import fc from 'fast-check';
import { foldEvents } from '../../../notifier/src/calendarEvents/eventStateStore';
import { sequencedEventsOf } from './inboundReplies';

const host = '11111111-1111-4111-8111-111111111111';
const ann = '22222222-2222-4222-8222-222222222222';
const eventID = '55555555-5555-4555-8555-555555555555';
const starts = ['2030-03-18T08:00:00.000Z', '2030-03-25T08:00:00.000Z', '2030-04-01T08:00:00.000Z'];

const scheduled: CalendarEventEvent = {
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Standup', description: null, location: null,
    startTime: starts[0] as string, endTime: '2030-03-18T08:30:00.000Z', timeZone: 'Europe/Berlin',
    allDay: false, startDate: null, endDate: null, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'], transparency: 'opaque', guestsCanSeeOtherGuests: true,
  },
};

/** Any change that can follow the booking: revisions (some repeating what is true), answers, guest-list changes, settings. */
const change = fc.oneof(
  fc.constantFrom<CalendarEventEvent>(
    { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } },
    { type: 'InvitationAccepted', data: { eventID, userID: ann } },
    { type: 'InvitationDeclined', data: { eventID, userID: ann } },
    { type: 'RecurrenceChanged', data: { eventID, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'] } },
    { type: 'TransparencyChanged', data: { eventID, transparency: 'transparent' } },
    { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } },
    { type: 'ExternalAttendeeInvited', data: { eventID, email: 'dan@example.com', optional: false, invitedBy: host } },
    { type: 'ExternalAttendeeResponded', data: { eventID, email: 'dan@example.com', rsvpStatus: 'ACCEPTED' } },
  ),
  fc.constantFrom('Standup', 'Daily').map<CalendarEventEvent>((title) => ({ type: 'CalendarEventDetailsChanged', data: { eventID, title, description: null, location: null } })),
  fc.constantFrom(...starts).map<CalendarEventEvent>((startTime) => ({
    type: 'CalendarEventRescheduled', data: { eventID, startTime, endTime: new Date(Date.parse(startTime) + 1_800_000).toISOString(), timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null },
  })),
  fc.constantFrom(...starts).map<CalendarEventEvent>((originalStart) => ({ type: 'OccurrenceCancelled', data: { eventID, originalStart } })),
  fc.constantFrom(...starts).map<CalendarEventEvent>((originalStart) => ({ type: 'OccurrenceResponded', data: { eventID, userID: ann, originalStart, rsvpStatus: 'TENTATIVE' } })),
);

/** Commands as the store keeps them: consecutive versions from 1, each command's events with its correlation id and time. */
function recorded(commands: CalendarEventEvent[][]): RecordedEvent[] {
  let version = 0;
  return commands.flatMap((events, index) =>
    events.map((event) => ({
      eventID: `e${++version}`, streamName: `CalendarEvent-${eventID}`, streamVersion: version, logPosition: { transactionId: 1n, position: BigInt(version) },
      type: event.type, data: event.data,
      metadata: { actorID: host, occurredAt: new Date(Date.UTC(2030, 0, 1, 0, index)).toISOString(), correlationId: `c${index}`, schemaVersion: currentSchemaVersion(event.type) },
      recordedAt: new Date(0),
    })),
  );
}

describe('the SEQUENCE a REPLY is checked against', () => {
  it('is the one the notifier put in the last REQUEST or CANCEL it sent, for any history of commands', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), (changes) => {
        const events = recorded([[scheduled, ...changes[0] ?? []], ...changes.slice(1)]);
        const notifier = foldEvents(events, 1, events.length, (_event, error) => {
          throw error;
        });
        expect(iCalSequenceOf(sequencedEventsOf(events, 1))).toBe(notifier?.sequence);
      }),
      { numRuns: 300 },
    );
  });
});
