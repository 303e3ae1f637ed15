import fc from 'fast-check';
import { MS_PER_DAY, dateFromDay, dayFromDate, formatWallTime, parseBasic, parseLocal, weekdayOf } from './calendar';

// Day numbers of 0001-01-01 and 9999-12-31.
const anyDay = fc.integer({ min: -719162, max: 2932896 });

describe('calendar arithmetic', () => {
  it('converts day numbers to dates and back as Date does', () => {
    fc.assert(
      fc.property(anyDay, (day) => {
        const date = new Date(day * MS_PER_DAY);
        expect(dateFromDay(day)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
        expect(dayFromDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(day);
        expect(weekdayOf(day)).toBe((date.getUTCDay() + 6) % 7);
      }),
    );
  });

  it('formats wall times as toISOString does', () => {
    fc.assert(
      fc.property(anyDay, fc.integer({ min: 0, max: 86_399 }), (day, second) => {
        const wall = day * MS_PER_DAY + second * 1000;
        expect(formatWallTime(wall)).toBe(new Date(wall).toISOString().slice(0, 19));
      }),
    );
  });

  it('reads the series and RFC 5545 value formats, refusing impossible dates and times', () => {
    expect(parseLocal('2024-02-29')).toEqual({ kind: 'date', day: dayFromDate(2024, 2, 29) });
    expect(parseLocal('2024-02-29T23:59:59')).toEqual({ kind: 'local', wall: Date.parse('2024-02-29T23:59:59Z') });
    expect(parseLocal('2024-02-29T23:59:59Z')).toEqual({ kind: 'utc', epochMs: Date.parse('2024-02-29T23:59:59Z') });
    expect(parseBasic('19970714T173000Z')).toEqual({ kind: 'utc', epochMs: Date.parse('1997-07-14T17:30:00Z') });
    for (const bad of ['2023-02-29', '2024-04-31', '2024-01-01T24:00:00', '2024-01-01T12:60:00', '0000-01-01', '2024-1-1']) {
      expect(parseLocal(bad)).toBeNull();
    }
  });
});
