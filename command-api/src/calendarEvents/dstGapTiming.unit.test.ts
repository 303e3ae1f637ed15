import { type CalendarEventCommand, type CalendarEventEvent, decideCalendarEvent as decide, type EventTiming, evolve, initialState } from '@datebook/shared-kernel';
import { resolveTiming } from './eventTiming';

const host = '11111111-1111-4111-8111-111111111111';
const eventID = '55555555-5555-4555-8555-555555555555';
const berlin = 'Europe/Berlin';

const schedule = (timing: EventTiming, recurrence: string[]): CalendarEventCommand => ({
  type: 'ScheduleEvent',
  data: { eventID, hostID: host, access: { calendarID: host, role: 'owner' }, title: 'Series', description: null, location: null, timing, recurrence, invitedUserIDs: [] },
});
const scheduledData = (events: CalendarEventEvent[]) => events.find((e) => e.type === 'CalendarEventScheduled')?.data;

// RFC 5545 §3.3.5: 02:30 on 28 March 2027 does not exist in Berlin and starts at 03:30 (01:30Z);
// §3.3.10: the series still repeats 02:30, so the wall time the client named is kept.
describe('resolveTiming keeps the wall time the client named', () => {
  it('for a start in a DST gap, next to its resolved instant', () => {
    expect(resolveTiming({ startTime: '2027-03-28T02:30', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC')).toEqual({
      startTime: '2027-03-28T01:30:00.000Z', startLocal: '2027-03-28T02:30:00', endTime: '2027-03-28T02:00:00.000Z', timeZone: berlin, allDay: false, startDate: null, endDate: null,
    });
  });

  it('not for a start given as an instant, nor for sub-second wall times, nor all-day events', () => {
    expect(resolveTiming({ startTime: '2027-03-28T03:30:00+02:00', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC').startLocal).toBeNull();
    expect(resolveTiming({ startTime: '2027-03-28T02:30:00.5', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC').startLocal).toBeNull();
    expect(resolveTiming({ startDate: '2027-03-28' }, undefined, berlin).startLocal).toBeNull();
  });

  it('while a change keeps the start and the zone, and not after a change of zone', () => {
    const current = resolveTiming({ startTime: '2027-03-28T02:30', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC');
    expect(resolveTiming({ endTime: '2027-03-28T04:30' }, current, berlin)).toMatchObject({ startTime: '2027-03-28T01:30:00.000Z', startLocal: '2027-03-28T02:30:00' });
    expect(resolveTiming({ timeZone: 'UTC' }, current, berlin)).toMatchObject({ startTime: '2027-03-28T01:30:00.000Z', startLocal: null });
    expect(resolveTiming({ startTime: '2027-03-28T03:30' }, current, berlin)).toMatchObject({ startTime: '2027-03-28T01:30:00.000Z', startLocal: '2027-03-28T03:30:00' });
  });
});

describe('the decider records the nominal start', () => {
  const gap = resolveTiming({ startTime: '2027-03-28T02:30', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC');
  const monthly = ['RRULE:FREQ=MONTHLY;BYDAY=4SU'];

  it('of a series whose first start is in a gap', () => {
    expect(scheduledData(decide(schedule(gap, monthly), initialState()))).toMatchObject({ startTime: '2027-03-28T01:30:00.000Z', startLocal: '2027-03-28T02:30:00' });
  });

  it('of every timed series, given as an instant too, and of no single event given as one', () => {
    const asInstant = resolveTiming({ startTime: '2027-04-25T00:30:00Z', duration: 'PT30M', timeZone: berlin }, undefined, 'UTC');
    expect(scheduledData(decide(schedule(asInstant, monthly), initialState()))).toMatchObject({ startLocal: '2027-04-25T02:30:00' });
    expect(scheduledData(decide(schedule(asInstant, []), initialState()))).not.toHaveProperty('startLocal');
    expect(scheduledData(decide(schedule(gap, []), initialState()))).toMatchObject({ startLocal: '2027-03-28T02:30:00' });
  });

  it('reschedules when only the nominal start changes (02:30 in the gap and 03:30 are one instant)', () => {
    const state = decide(schedule(gap, monthly), initialState()).reduce(evolve, initialState());
    const later = resolveTiming({ startTime: '2027-03-28T03:30' }, state.status === 'absent' ? undefined : state, berlin);
    expect(decide({ type: 'ChangeEvent', data: { eventID, actorID: host, access: { calendarID: host, role: 'owner' }, changes: { timing: later } } }, state)).toEqual([{
      type: 'CalendarEventRescheduled',
      data: { eventID, startTime: '2027-03-28T01:30:00.000Z', startLocal: '2027-03-28T03:30:00', endTime: '2027-03-28T02:00:00.000Z', timeZone: berlin, allDay: false, startDate: null, endDate: null },
    }]);
    // The same nominal start again, or other changes, move nothing.
    const same = resolveTiming({ startTime: '2027-03-28T02:30' }, state.status === 'absent' ? undefined : state, berlin);
    expect(decide({ type: 'ChangeEvent', data: { eventID, actorID: host, access: { calendarID: host, role: 'owner' }, changes: { timing: same, title: 'Renamed' } } }, state).map((e) => e.type)).toEqual(['CalendarEventDetailsChanged']);
  });
});
