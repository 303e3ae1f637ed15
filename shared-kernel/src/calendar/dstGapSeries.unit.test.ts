import { Temporal } from 'temporal-polyfill';
import { type CalendarEventState, evolve, initialState } from '../aggregates/calendarEvent/state';
import { isOccurrenceOf, lastOccurrenceEnd, nominalStart, occurrenceSpan, occurrencesOverlapping, originalStartKey, seriesOf } from './occurrences';
import { splitRecurrence } from '../aggregates/calendarEvent/recurrenceSplit';
import { parseCalendarEventEvent } from '../aggregates/calendarEvent/events';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;

/** A timed series as the state holds it: the resolved first start, and the nominal one the client named. */
function series(timeZone: string, startTime: string, startLocal: string | null | undefined, recurrence: string[], minutes = 30) {
  return {
    startTime, ...(startLocal === undefined ? {} : { startLocal }), endTime: new Date(at(startTime) + minutes * MINUTE).toISOString(), timeZone,
    allDay: false, startDate: null, recurrence, title: 'Series', description: null, location: null, exceptions: {},
  };
}
const starts = (event: ReturnType<typeof series>, from = '2020-01-01T00:00:00Z', to = '2030-01-01T00:00:00Z') =>
  occurrencesOverlapping(event, { from: at(from), to: at(to) }).occurrences.map((o) => o.startTime);

// RFC 5545 §3.3.10 / §3.3.5: a series repeats DTSTART's nominal wall time; only an instance in a gap moves.
describe('a series whose first start falls in a DST gap', () => {
  const berlin = series('Europe/Berlin', '2027-03-28T01:30:00.000Z', '2027-03-28T02:30:00', ['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=4']);

  it.each([
    ['Europe/Berlin', '2027-03-28T01:30:00.000Z', '2027-03-28T02:30:00', 'RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=3', ['2027-03-28T01:30:00.000Z', '2027-04-25T00:30:00.000Z', '2027-05-23T00:30:00.000Z']],
    ['America/New_York', '2025-03-09T07:15:00.000Z', '2025-03-09T02:15:00', 'RRULE:FREQ=MONTHLY;COUNT=3', ['2025-03-09T07:15:00.000Z', '2025-04-09T06:15:00.000Z', '2025-05-09T06:15:00.000Z']],
    ['Australia/Sydney', '2022-10-01T16:45:00.000Z', '2022-10-02T02:45:00', 'RRULE:FREQ=DAILY;COUNT=3', ['2022-10-01T16:45:00.000Z', '2022-10-02T15:45:00.000Z', '2022-10-03T15:45:00.000Z']],
  ])('in %s keeps the first start resolved and the later ones at the nominal wall time', (zone, startTime, startLocal, rule, expected) => {
    const event = series(zone, startTime, startLocal, [rule]);
    expect(seriesOf(event).dtstart).toBe(startLocal);
    expect(starts(event)).toEqual(expected);
    expect(occurrencesOverlapping(event, { from: at('2020-01-01T00:00:00Z'), to: at('2030-01-01T00:00:00Z') }).occurrences.map((o) => o.originalStart)).toEqual(expected);
  });

  it('names later occurrences by their real instants (occurrence ids, exceptions, the series’ end)', () => {
    expect(originalStartKey(berlin, at('2027-04-25T00:30:00.000Z'))).toBe('2027-04-25T00:30:00.000Z');
    expect(isOccurrenceOf(berlin, '2027-04-25T00:30:00.000Z')).toBe(true);
    expect(isOccurrenceOf(berlin, '2027-04-25T01:30:00.000Z')).toBe(false);
    expect(isOccurrenceOf(berlin, '2027-03-28T01:30:00.000Z')).toBe(true);
    expect(lastOccurrenceEnd(berlin)).toBe(at('2027-06-27T01:00:00.000Z'));
    expect(occurrenceSpan(berlin)).toEqual({ start: at('2027-03-28T01:30:00.000Z'), end: at('2027-06-27T01:00:00.000Z') });
    // An exception stored under the real original start applies to it.
    const moved = { ...berlin, exceptions: { '2027-04-25T00:30:00.000Z': { cancelled: false as const, startTime: '2027-04-25T08:00:00.000Z', endTime: '2027-04-25T08:30:00.000Z', startDate: null, endDate: null, title: 'Moved', description: null, location: null } } };
    expect(starts(moved)).toEqual(['2027-03-28T01:30:00.000Z', '2027-04-25T08:00:00.000Z', '2027-05-23T00:30:00.000Z', '2027-06-27T00:30:00.000Z']);
  });

  it('is cut by an EXDATE naming its nonexistent first wall time (EXDATE;TZID=Europe/Berlin:20270328T023000)', () => {
    const event = { ...berlin, recurrence: [...berlin.recurrence, 'EXDATE;TZID=Europe/Berlin:20270328T023000,20270523T023000'] };
    expect(starts(event)).toEqual(['2027-04-25T00:30:00.000Z', '2027-06-27T00:30:00.000Z']);
  });

  it('splits "this and following" with the right number of instances left', () => {
    expect(splitRecurrence(berlin, at('2027-05-23T00:30:00.000Z')).after).toEqual(['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=2']);
    expect(splitRecurrence(berlin, at('2027-05-23T00:30:00.000Z')).before).toEqual(['RRULE:FREQ=MONTHLY;BYDAY=4SU;UNTIL=20270523T002959Z']);
  });

  it('falls back to the instant’s wall time for an older state without a nominal start', () => {
    const legacy = series('Europe/Berlin', '2027-03-28T01:30:00.000Z', undefined, ['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=2']);
    expect(nominalStart(legacy)).toBe('2027-03-28T03:30:00');
    expect(starts(legacy)).toEqual(['2027-03-28T01:30:00.000Z', '2027-04-25T01:30:00.000Z']);
  });
});

describe('the nominal start in the CalendarEvent stream', () => {
  const ids = { eventID: '7f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57', hostID: '7f0c4a8e-2222-4c3e-9f0a-6d2b8e4c1a57' };
  const scheduled = { ...ids, title: 'Series', startTime: '2027-03-28T01:30:00.000Z', endTime: '2027-03-28T02:00:00.000Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=4SU'] };
  // Payloads as the first version wrote them (`schemaVersion` 1).
  const stored = (type: string, data: unknown) => ({ type, data, metadata: { schemaVersion: 1 } });
  const fold = (...events: [string, unknown][]): CalendarEventState =>
    events.reduce((state, [type, data]) => {
      const parsed = parseCalendarEventEvent(stored(type, data));
      if (!parsed) throw new Error(`${type} does not parse`);
      return evolve(state, parsed);
    }, initialState());

  it('reads an older event without it as null, and is kept in the state', () => {
    expect(parseCalendarEventEvent(stored('CalendarEventScheduled', scheduled))?.data).toMatchObject({ startLocal: null });
    const state = fold(['CalendarEventScheduled', { ...scheduled, startLocal: '2027-03-28T02:30:00' }]);
    expect(state).toMatchObject({ status: 'scheduled', startLocal: '2027-03-28T02:30:00' });
  });

  it('is replaced by a reschedule, and dropped by one that names none (an older one)', () => {
    const start = ['CalendarEventScheduled', { ...scheduled, startLocal: '2027-03-28T02:30:00' }] as [string, unknown];
    const later = { eventID: ids.eventID, startTime: '2027-04-25T00:30:00.000Z', endTime: '2027-04-25T01:00:00.000Z', timeZone: 'Europe/Berlin' };
    expect(fold(start, ['CalendarEventRescheduled', { ...later, startLocal: '2027-04-25T02:30:00' }])).toMatchObject({ startLocal: '2027-04-25T02:30:00' });
    expect(fold(start, ['CalendarEventRescheduled', later])).toMatchObject({ startLocal: null });
  });

  it('refuses a nominal start that is not a wall time', () => {
    expect(() => parseCalendarEventEvent(stored('CalendarEventScheduled', { ...scheduled, startLocal: '2027-03-28T02:30:00Z' }))).toThrow();
  });
});

// Property: outside gaps the nominal start changes nothing, whether it is recorded or not.
describe('a series whose start is not in a gap', () => {
  it('expands alike with and without its nominal start, for random zones, times and rules', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Pacific/Auckland', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London'];
    const rules = ['RRULE:FREQ=DAILY;COUNT=40', 'RRULE:FREQ=WEEKLY;BYDAY=SU,MO', 'RRULE:FREQ=MONTHLY;BYDAY=-1SU;COUNT=12', 'RRULE:FREQ=HOURLY;INTERVAL=7;COUNT=60'];
    let seed = 5545;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    while (checked < 60) {
      const zone = zones[Math.floor(random() * zones.length)] ?? 'UTC';
      const rule = rules[Math.floor(random() * rules.length)] ?? 'RRULE:FREQ=DAILY';
      const wall = Temporal.PlainDateTime.from({ year: 2000 + Math.floor(random() * 60), month: 1, day: 1 }).add({ days: Math.floor(random() * 365), minutes: Math.floor(random() * 96) * 15 });
      const zoned = wall.toZonedDateTime(zone, { disambiguation: 'compatible' });
      if (!zoned.toPlainDateTime().equals(wall)) continue; // in a gap
      const startTime = new Date(zoned.epochMilliseconds).toISOString();
      const window = { from: zoned.epochMilliseconds, to: zoned.epochMilliseconds + 400 * 86_400_000 };
      const named = series(zone, startTime, wall.toString({ smallestUnit: 'second' }), [rule]);
      const unnamed = series(zone, startTime, null, [rule]);
      expect(occurrencesOverlapping(named, window)).toEqual(occurrencesOverlapping(unnamed, window));
      expect(lastOccurrenceEnd(named)).toBe(lastOccurrenceEnd(unnamed));
      checked++;
    }
  });
});
