import { calendarWindow, todayIn } from './calendarWindow';
import { isValidTimeZone } from './timeZone';

describe('calendarWindow', () => {
  it('gives a UTC day for DAILY in UTC', () => {
    const w = calendarWindow('DAILY', '2025-03-10', 'UTC');
    expect(w.from.toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(w.to.toISOString()).toBe('2025-03-11T00:00:00.000Z');
  });

  it('starts an ISO week on Monday in the given zone', () => {
    const w = calendarWindow('WEEKLY', '2025-03-13', 'Europe/Berlin'); // a Thursday
    expect(w.from.toISOString()).toBe('2025-03-09T23:00:00.000Z');
    expect(w.to.toISOString()).toBe('2025-03-16T23:00:00.000Z');
  });

  it('spans a DST change: the week of 2025-03-30 in Berlin is 167 hours long', () => {
    const w = calendarWindow('WEEKLY', '2025-03-30', 'Europe/Berlin');
    expect((w.to.getTime() - w.from.getTime()) / 3_600_000).toBe(167);
  });

  it('covers a calendar month', () => {
    const w = calendarWindow('MONTHLY', '2024-02-14', 'America/New_York');
    expect(w.from.toISOString()).toBe('2024-02-01T05:00:00.000Z');
    expect(w.to.toISOString()).toBe('2024-03-01T05:00:00.000Z');
  });

  it('tells today in a zone', () => {
    expect(todayIn(new Date('2025-01-01T02:00:00Z'), 'America/Los_Angeles')).toBe('2024-12-31');
  });
});

describe('isValidTimeZone', () => {
  it.each([['Europe/Berlin', true], ['UTC', true], ['Mars/Olympus', false], ['', false]])('%s → %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
