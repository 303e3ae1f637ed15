import type { RsvpStatus } from '../../../aggregates/calendarEvent/state';
import type { AttendanceRow } from '../../readModel/attendanceRows';
import { encodeKeptBusyTime, keptBusyTimeEncoder } from './busyTimeEncoding';
import { encodeRow, rowEncoder } from './storedRow';

const NOW = Date.parse('2030-06-10T00:00:00Z');

const event = (overrides: Partial<AttendanceRow['event']> = {}): AttendanceRow['event'] => ({
  eventID: '0b6d6c3e-3b0b-4b4e-9a55-6f0f5d3c1a01', hostID: '5f1e2f2a-0d8e-4f5e-8a47-2b8f2c7d9e10', title: 'Plan', description: null, location: 'Room 4',
  startTime: '2030-06-03T08:00:00.000Z', endTime: '2030-06-03T09:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null,
  recurrence: [], exceptions: {}, transparency: 'opaque', calendarID: '5f1e2f2a-0d8e-4f5e-8a47-2b8f2c7d9e10', visibility: 'default', ...overrides,
});

/** Events whose kept busy time takes each path: single, all-day, series ending and endless, changed and cancelled occurrences, cut short, transparent. */
const events: Record<string, AttendanceRow['event']> = {
  single: event(),
  allDay: event({ allDay: true, startDate: '2030-06-04', endDate: '2030-06-06', startTime: '2030-06-04T00:00:00.000Z', endTime: '2030-06-06T00:00:00.000Z' }),
  weeklyCount: event({ recurrence: ['RRULE:FREQ=WEEKLY;COUNT=12'] }),
  endlessWithExceptions: event({
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE'],
    exceptions: {
      '2030-06-10T08:00:00.000Z': { cancelled: true },
      '2030-06-12T08:00:00.000Z': { cancelled: false, startTime: '2030-06-12T13:00:00.000Z', endTime: '2030-06-12T14:30:00.000Z', startDate: null, endDate: null, title: 'Moved', description: null, location: null },
    },
  }),
  // More occurrences than one expansion takes: the kept stretch stops where it did.
  cutShort: event({ recurrence: ['RRULE:FREQ=HOURLY'], endTime: '2030-06-03T08:30:00.000Z' }),
  multiDay: event({ endTime: '2030-06-05T12:00:00.000Z' }),
  transparent: event({ recurrence: ['RRULE:FREQ=DAILY;COUNT=5'], transparency: 'transparent' }),
};

const ANSWERS: RsvpStatus[] = ['DECLINED', 'PENDING', 'ACCEPTED', 'TENTATIVE'];
const rowsOf = (shared: AttendanceRow['event']): AttendanceRow[] => [
  ...ANSWERS.map((rsvpStatus, i) => ({ userID: `user-${i}`, rsvpStatus, occurrenceResponses: {}, event: shared })),
  ...ANSWERS.map((rsvpStatus, i) => ({
    userID: `answering-${i}`, rsvpStatus, event: shared,
    occurrenceResponses: { '2030-06-17T08:00:00.000Z': 'DECLINED', '2030-06-19T08:00:00.000Z': i % 2 === 0 ? 'ACCEPTED' : 'TENTATIVE' } as Record<string, RsvpStatus>,
  })),
];

describe('encoding many rows of one event at once', () => {
  it.each(Object.keys(events))('keeps the busy time of a %s event exactly as each row alone would, whatever the answers and their order', (name) => {
    const rows = rowsOf(events[name]!);
    const alone = new Map(rows.map((row) => [row, encodeKeptBusyTime(row, NOW)]));
    // Declined first: the shared encoding is then worked out from a row that keeps none.
    for (const order of [rows, [...rows].reverse()]) {
      const encode = keptBusyTimeEncoder(NOW);
      for (const row of order) expect(encode(row)).toEqual(alone.get(row));
    }
  });

  it('keeps some busy time for the events that have any, so the cases above compare something', () => {
    const accepted = (name: string) => encodeKeptBusyTime({ userID: 'u', rsvpStatus: 'ACCEPTED', occurrenceResponses: {}, event: events[name]! }, NOW);
    expect(accepted('single')[0]).toContain('|b');
    expect(accepted('endlessWithExceptions')[0]!.split(' ').length).toBeGreaterThan(50);
    // Covered until where the expansion stopped, before the kept stretch ends.
    expect(accepted('cutShort')[2]).not.toBe('');
    expect(accepted('transparent')[0]).toBe('');
  });

  it.each(Object.keys(events))('stores the row of a %s event as encodeRow does, each event serialised once', (name) => {
    const encode = rowEncoder();
    for (const row of rowsOf(events[name]!)) {
      for (const end of [Date.parse('2030-09-01T00:00:00Z'), Infinity]) expect(encode(row, end)).toBe(encodeRow(row, end));
    }
  });
});
