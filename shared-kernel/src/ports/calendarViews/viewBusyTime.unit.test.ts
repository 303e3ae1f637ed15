import type { RsvpStatus } from '../../aggregates/calendarEvent/state';
import type { AttendanceRow } from '../readModel/attendanceRows';
import { keptBusyTime } from './viewBusyTime';

const NOW = Date.parse('2030-06-10T00:00:00Z');

const event = (overrides: Partial<AttendanceRow['event']> = {}): AttendanceRow['event'] => ({
  eventID: '0b6d6c3e-3b0b-4b4e-9a55-6f0f5d3c1a01', hostID: '5f1e2f2a-0d8e-4f5e-8a47-2b8f2c7d9e10', title: 'Plan', description: null, location: null,
  startTime: '2030-06-03T08:00:00.000Z', endTime: '2030-06-03T09:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null,
  recurrence: [], exceptions: {}, transparency: 'opaque', ...overrides,
});

const allDay = { allDay: true, startDate: '2030-06-04', endDate: '2030-06-05', startTime: '2030-06-04T00:00:00.000Z', endTime: '2030-06-05T00:00:00.000Z' };
const events: Record<string, AttendanceRow['event']> = {
  single: event(),
  'all-day': event(allDay),
  'all-day weekly': event({ ...allDay, recurrence: ['RRULE:FREQ=WEEKLY'] }),
  'weekly across DST': event({ startTime: '2030-01-07T08:00:00.000Z', endTime: '2030-01-07T09:00:00.000Z', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,TH'] }),
  'ended long ago': event({ startTime: '2028-01-03T08:00:00.000Z', endTime: '2028-01-03T09:00:00.000Z', recurrence: ['RRULE:FREQ=DAILY;UNTIL=20280301T080000Z'] }),
  'cut short': event({ recurrence: ['RRULE:FREQ=HOURLY'], endTime: '2030-06-03T08:30:00.000Z' }),
};
const ANSWERS: RsvpStatus[] = ['ACCEPTED', 'TENTATIVE', 'PENDING', 'DECLINED'];

describe('busy time kept for a row', () => {
  // An answer to an occurrence the series does not have changes nothing, but sends the row the general way
  // (every occurrence written out, its answer looked up): the bare-instants way must keep the same.
  it.each(Object.keys(events))('is the same for a %s event whichever way it is expanded', (name) => {
    for (const rsvpStatus of ANSWERS) {
      const plain: AttendanceRow = { userID: 'u', rsvpStatus, occurrenceResponses: {}, event: events[name]! };
      const general: AttendanceRow = { ...plain, occurrenceResponses: { '1999-01-01T00:00:00.000Z': 'ACCEPTED' } };
      expect(keptBusyTime(plain, NOW)).toEqual(keptBusyTime(general, NOW));
    }
  });

  it('keeps busy and tentative time and none when declined, so the comparison above compares something', () => {
    const kept = (rsvpStatus: RsvpStatus) => keptBusyTime({ userID: 'u', rsvpStatus, occurrenceResponses: {}, event: events['weekly across DST']! }, NOW);
    expect(kept('ACCEPTED').intervals.length).toBeGreaterThan(50);
    expect(new Set(kept('ACCEPTED').intervals.map((i) => i.kind))).toEqual(new Set(['busy']));
    expect(new Set(kept('PENDING').intervals.map((i) => i.kind))).toEqual(new Set(['tentative']));
    expect(kept('DECLINED').intervals).toEqual([]);
    expect(keptBusyTime({ userID: 'u', rsvpStatus: 'ACCEPTED', occurrenceResponses: {}, event: events['cut short']! }, NOW).coveredUntil).toBeLessThan(NOW + 366 * 86_400_000);
  });
});
