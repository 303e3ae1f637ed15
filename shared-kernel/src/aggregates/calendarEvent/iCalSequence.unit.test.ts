import type { CalendarEventEvent } from './events';
import { commandKeyOf, iCalSequenceOf, revisesEvent, type SequencedEvent } from './iCalSequence';
import { evolve, initialState } from './state';

const host = '11111111-1111-4111-8111-111111111111';
const ann = '22222222-2222-4222-8222-222222222222';
const eventID = '55555555-5555-4555-8555-555555555555';

const scheduled: CalendarEventEvent = {
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Standup', description: null, location: null,
    startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:30:00.000Z', timeZone: 'Europe/Berlin',
    allDay: false, startDate: null, endDate: null, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'], transparency: 'opaque', guestsCanSeeOtherGuests: true,
  },
};
const invite: CalendarEventEvent = { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } };
const accept: CalendarEventEvent = { type: 'InvitationAccepted', data: { eventID, userID: ann } };
const moved = (startTime: string, endTime: string): CalendarEventEvent => ({
  type: 'CalendarEventRescheduled', data: { eventID, startTime, endTime, timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null },
});
const renamed = (title: string): CalendarEventEvent => ({ type: 'CalendarEventDetailsChanged', data: { eventID, title, description: null, location: null } });
const occurrenceCancelled: CalendarEventEvent = { type: 'OccurrenceCancelled', data: { eventID, originalStart: '2030-03-25T08:00:00.000Z' } };
const cancelled: CalendarEventEvent = { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } };

/** A stream of commands, each a run of events, numbered from position 0 as the store numbers them. */
function stream(...commands: (CalendarEventEvent | undefined)[][]): SequencedEvent[] {
  let position = 0;
  return commands.flatMap((events, index) => events.map((event) => ({ event, position: position++, command: commandKeyOf({ correlationId: `c${index}`, occurredAt: '2030-01-01T00:00:00.000Z' }) })));
}

describe('SEQUENCE of an event (RFC 5545 §3.8.7.4), folded from its stream', () => {
  it('is 0 from the command that created it, however many events that command appended', () => {
    expect(iCalSequenceOf(stream([scheduled, invite]))).toBe(0);
  });

  it('is the last position of the latest revising command; answers and invitations leave it as it was', () => {
    expect(iCalSequenceOf(stream([scheduled, invite], [moved('2030-03-18T09:00:00.000Z', '2030-03-18T09:30:00.000Z'), renamed('Daily')]))).toBe(3);
    expect(iCalSequenceOf(stream([scheduled, invite], [moved('2030-03-18T09:00:00.000Z', '2030-03-18T09:30:00.000Z')], [accept], [invite]))).toBe(2);
  });

  it('moves on for a cancelled occurrence once, and for the cancelled event', () => {
    expect(iCalSequenceOf(stream([scheduled], [occurrenceCancelled]))).toBe(1);
    expect(iCalSequenceOf(stream([scheduled], [occurrenceCancelled], [occurrenceCancelled]))).toBe(1);
    expect(iCalSequenceOf(stream([scheduled], [accept], [cancelled]))).toBe(2);
  });

  it('changes nothing for a change that repeats what is true, or for an event type it does not know', () => {
    expect(iCalSequenceOf(stream([scheduled], [renamed('Standup')], [undefined]))).toBe(0);
  });

  it('is 0 for no stream', () => {
    expect(iCalSequenceOf([])).toBe(0);
  });
});

describe('what revises an event (RFC 5546 §2.1.4)', () => {
  const live = evolve(initialState(), scheduled);
  it('new times, details or recurrence do; answers do not; nothing does after the cancellation', () => {
    const move = moved('2030-03-18T09:00:00.000Z', '2030-03-18T09:30:00.000Z');
    expect(revisesEvent(live, evolve(live, move), move)).toBe(true);
    expect(revisesEvent(live, evolve(live, accept), accept)).toBe(false);
    const gone = evolve(live, cancelled);
    expect(revisesEvent(gone, evolve(gone, move), move)).toBe(false);
    expect(revisesEvent(initialState(), live, scheduled)).toBe(false);
  });
});
