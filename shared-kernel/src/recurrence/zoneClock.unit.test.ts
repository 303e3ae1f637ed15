import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { MS_PER_DAY, MS_PER_MINUTE } from './calendar';
import { RecurrenceError } from './recurrenceError';
import { ZoneClock } from './zoneClock';

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'Australia/Lord_Howe', // 30-minute DST shift
  'Pacific/Apia', // skipped 2011-12-30 entirely
  'America/Sao_Paulo',
  'UTC',
];

const temporalInstant = (wall: number, zone: string): number =>
  Temporal.Instant.fromEpochMilliseconds(wall)
    .toZonedDateTimeISO('UTC')
    .toPlainDateTime()
    .toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;

// Wall times from 1950 to 2100 on a 15-minute grid, so transitions at :00 and :30 are hit.
const wallTime = fc.integer({ min: -20 * 365 * 96, max: 130 * 365 * 96 }).map((quarter) => quarter * 15 * MS_PER_MINUTE);

describe('ZoneClock', () => {
  it.each(ZONES)('reads wall times in %s exactly as Temporal does with disambiguation "compatible"', (zone) => {
    const clock = ZoneClock.of(zone);
    fc.assert(
      fc.property(wallTime, (wall) => {
        expect(clock.instantOf(wall)).toBe(temporalInstant(wall, zone));
      }),
      { numRuns: 500 },
    );
  });

  it.each(ZONES)('agrees with Temporal on every quarter hour around the transitions of 2011 and 2024 in %s', (zone) => {
    const clock = ZoneClock.of(zone);
    for (const year of [2011, 2024]) {
      let zoned = Temporal.ZonedDateTime.from({ year, month: 1, day: 1, timeZone: zone });
      for (let next = zoned.getTimeZoneTransition('next'); next !== null && next.year === year; next = zoned.getTimeZoneTransition('next')) {
        zoned = next;
        const wall = next.epochMilliseconds + next.offsetNanoseconds / 1e6;
        for (let t = wall - MS_PER_DAY; t <= wall + MS_PER_DAY; t += 15 * MS_PER_MINUTE) {
          expect(clock.instantOf(t)).toBe(temporalInstant(t, zone));
          const instant = t - 12 * 3_600_000;
          expect(clock.wallAt(instant)).toBe(instant + Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6);
        }
      }
    }
  });

  it('moves a skipped time forward and reads a repeated one as its first occurrence (RFC 5545 §3.3.5)', () => {
    const newYork = ZoneClock.of('America/New_York');
    expect(newYork.instantOf(Date.parse('2024-03-10T02:30:00Z'))).toBe(Date.parse('2024-03-10T07:30:00Z'));
    expect(newYork.instantOf(Date.parse('2024-11-03T01:30:00Z'))).toBe(Date.parse('2024-11-03T05:30:00Z'));
  });

  it('refuses an unknown zone with a RecurrenceError on TZID', () => {
    expect(() => ZoneClock.of('Mars/Olympus_Mons')).toThrow(expect.objectContaining({ part: 'TZID' }));
    expect(() => ZoneClock.of('Mars/Olympus_Mons')).toThrow(RecurrenceError);
  });
});
