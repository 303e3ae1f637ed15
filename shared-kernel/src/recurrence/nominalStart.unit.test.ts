import { Temporal } from 'temporal-polyfill';
import { expandSeries, type RecurrenceSeries } from './expand';
import { nominalStartOf, wallTimeOf } from './nominalStart';
import { parseRRule } from './rrule';

const at = (iso: string): number => Date.parse(iso);
const utc = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function series(timeZone: string, dtstart: string, rrule: string, exdates: string[] = []): RecurrenceSeries {
  return { timeZone, dtstart, rrule: parseRRule(rrule), rdates: [], exdates };
}
const expand = (s: RecurrenceSeries, from: string, to: string) =>
  expandSeries(s, { from: at(from), to: at(to) }).occurrences.map((o) => `${o.local}=${utc(o.start)}`);

// RFC 5545 §3.3.10: the rule repeats DTSTART's nominal wall time; §3.3.5: only an instance in a gap moves forward.
describe('a DTSTART;TZID=… that falls in a DST gap', () => {
  it.each([
    ['Europe/Berlin', '2027-03-28T02:30:00', 'FREQ=MONTHLY;BYDAY=4SU;COUNT=3', ['2027-03-28T03:30:00=2027-03-28T01:30:00Z', '2027-04-25T02:30:00=2027-04-25T00:30:00Z', '2027-05-23T02:30:00=2027-05-23T00:30:00Z']],
    ['America/New_York', '2025-03-09T02:15:00', 'FREQ=MONTHLY;COUNT=3', ['2025-03-09T03:15:00=2025-03-09T07:15:00Z', '2025-04-09T02:15:00=2025-04-09T06:15:00Z', '2025-05-09T02:15:00=2025-05-09T06:15:00Z']],
    ['Australia/Sydney', '2022-10-02T02:45:00', 'FREQ=DAILY;COUNT=3', ['2022-10-02T03:45:00=2022-10-01T16:45:00Z', '2022-10-03T02:45:00=2022-10-02T15:45:00Z', '2022-10-04T02:45:00=2022-10-03T15:45:00Z']],
  ])('in %s starts %s an hour later, then repeats its nominal time', (zone, dtstart, rule, expected) => {
    expect(expand(series(zone, dtstart, rule), '2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toEqual(expected);
  });

  it('is removed by an EXDATE naming the nonexistent wall time, and a later one by its own', () => {
    const s = series('Europe/Berlin', '2027-03-28T02:30:00', 'FREQ=MONTHLY;BYDAY=4SU;COUNT=3', ['2027-03-28T02:30:00', '2027-05-23T02:30:00']);
    expect(expand(s, '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual(['2027-04-25T02:30:00=2027-04-25T00:30:00Z']);
  });
});

describe('nominalStartOf', () => {
  it('keeps the wall time the client named in a gap, which resolves to the start', () => {
    expect(nominalStartOf(at('2027-03-28T01:30:00Z'), 'Europe/Berlin', '2027-03-28T02:30:00')).toBe('2027-03-28T02:30:00');
    expect(nominalStartOf(at('2027-03-28T01:30:00Z'), 'Europe/Berlin', '2027-03-28T03:30:00')).toBe('2027-03-28T03:30:00');
  });

  it('falls back to the instant’s wall time when there is none, or it names another instant', () => {
    expect(nominalStartOf(at('2027-03-28T01:30:00Z'), 'Europe/Berlin', null)).toBe('2027-03-28T03:30:00');
    expect(nominalStartOf(at('2027-03-28T01:30:00Z'), 'Europe/Berlin')).toBe('2027-03-28T03:30:00');
    // A copy whose start moved to another occurrence but kept the series' first wall time.
    expect(nominalStartOf(at('2027-04-25T00:30:00Z'), 'Europe/Berlin', '2027-03-28T02:30:00')).toBe('2027-04-25T02:30:00');
    expect(nominalStartOf(at('2027-03-28T01:30:00Z'), 'Europe/Berlin', 'not a time')).toBe('2027-03-28T03:30:00');
  });

  // Property: away from gaps the nominal start is the instant's wall time, whatever the zone or time.
  it('is the instant’s own wall time for random zones and times outside gaps', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Pacific/Auckland', 'Asia/Kolkata', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Tehran', 'UTC'];
    let seed = 20270328;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    while (checked < 200) {
      const zone = zones[Math.floor(random() * zones.length)] ?? 'UTC';
      const wall = Temporal.PlainDateTime.from({ year: 1950 + Math.floor(random() * 150), month: 1, day: 1 })
        .add({ days: Math.floor(random() * 365), minutes: Math.floor(random() * 1440) });
      const instant = wall.toZonedDateTime(zone, { disambiguation: 'compatible' });
      if (!instant.toPlainDateTime().equals(wall)) continue; // in a gap
      const text = wall.toString({ smallestUnit: 'second' });
      expect(nominalStartOf(instant.epochMilliseconds, zone, text)).toBe(text);
      expect(nominalStartOf(instant.epochMilliseconds, zone, null)).toBe(text);
      expect(wallTimeOf(instant.epochMilliseconds, zone)).toBe(text);
      checked++;
    }
  });
});
