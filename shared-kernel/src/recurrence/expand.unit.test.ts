import { Temporal } from 'temporal-polyfill';
import { expandSeries, seriesEnd, type RecurrenceSeries } from './expand';
import { RecurrenceError } from './recurrenceError';
import { parseRRule } from './rrule';

const at = (iso: string): number => Date.parse(iso);
const utc = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function series(timeZone: string, dtstart: string, rrule?: string, more: Partial<RecurrenceSeries> = {}): RecurrenceSeries {
  return { timeZone, dtstart, rdates: [], exdates: [], ...(rrule === undefined ? {} : { rrule: parseRRule(rrule) }), ...more };
}

/** "local=utc" pairs of the occurrences in [from, to). */
function expand(s: RecurrenceSeries, from: string, to: string, cap?: number): string[] {
  const { occurrences } = expandSeries(s, { from: at(from), to: at(to) }, cap === undefined ? undefined : { cap });
  return occurrences.map((o) => `${o.local}=${utc(o.start)}`);
}

describe('expandSeries across DST (RFC 5545 §3.3.5, §3.3.10)', () => {
  it('keeps a weekly 09:00 meeting at 09:00 local through both New York changes', () => {
    const s = series('America/New_York', '2024-03-04T09:00:00', 'FREQ=WEEKLY');
    expect(expand(s, '2024-03-01T00:00:00Z', '2024-03-12T00:00:00Z')).toEqual(['2024-03-04T09:00:00=2024-03-04T14:00:00Z', '2024-03-11T09:00:00=2024-03-11T13:00:00Z']);
    expect(expand(s, '2024-10-28T00:00:00Z', '2024-11-05T00:00:00Z')).toEqual(['2024-10-28T09:00:00=2024-10-28T13:00:00Z', '2024-11-04T09:00:00=2024-11-04T14:00:00Z']);
  });

  it.each([
    // zone, daily time, spring-forward day, its UTC, fall-back day, its UTC (the first of the two)
    ['America/New_York', '02:30', '2024-03-10', '2024-03-10T03:30:00=2024-03-10T07:30:00Z', '2024-11-03', null],
    ['America/New_York', '01:30', '2024-03-10', '2024-03-10T01:30:00=2024-03-10T06:30:00Z', '2024-11-03', '2024-11-03T01:30:00=2024-11-03T05:30:00Z'],
    ['Europe/Berlin', '02:30', '2024-03-31', '2024-03-31T03:30:00=2024-03-31T01:30:00Z', '2024-10-27', '2024-10-27T02:30:00=2024-10-27T00:30:00Z'],
    ['Australia/Sydney', '02:30', '2024-10-06', '2024-10-06T03:30:00=2024-10-05T16:30:00Z', '2024-04-07', '2024-04-07T02:30:00=2024-04-06T15:30:00Z'],
    ['Pacific/Auckland', '02:30', '2024-09-29', '2024-09-29T03:30:00=2024-09-28T14:30:00Z', '2024-04-07', '2024-04-07T02:30:00=2024-04-06T13:30:00Z'],
  ])('in %s a daily %s is moved forward out of the gap and takes the first of a repeated hour', (zone, time, springDay, spring, fallDay, fall) => {
    const s = series(zone, `2024-01-01T${time}:00`, 'FREQ=DAILY');
    const onDay = (day: string) =>
      expand(s, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z').filter((o) => o.startsWith(day) || o.includes(`=${day}`));
    expect(onDay(springDay)).toContain(spring);
    if (fall !== null) expect(onDay(fallDay)).toContain(fall);
  });

  it('gives Asia/Kolkata (no DST) a fixed UTC time all year', () => {
    const occurrences = expandSeries(series('Asia/Kolkata', '2024-01-01T09:00:00', 'FREQ=WEEKLY'), { from: at('2024-01-01T00:00:00Z'), to: at('2025-01-01T00:00:00Z') }).occurrences;
    expect(occurrences).toHaveLength(53);
    for (const o of occurrences) {
      expect(o.local.slice(11)).toBe('09:00:00');
      expect(utc(o.start).slice(11)).toBe('03:30:00Z');
    }
  });

  it('steps wall-clock hours for HOURLY: the skipped 02:00 collapses into 03:00, the repeated 01:00 happens once', () => {
    const s = series('America/New_York', '2024-03-09T00:00:00', 'FREQ=HOURLY');
    expect(expand(s, '2024-03-10T05:00:00Z', '2024-03-10T09:00:00Z')).toEqual([
      '2024-03-10T00:00:00=2024-03-10T05:00:00Z',
      '2024-03-10T01:00:00=2024-03-10T06:00:00Z',
      '2024-03-10T03:00:00=2024-03-10T07:00:00Z',
      '2024-03-10T04:00:00=2024-03-10T08:00:00Z',
    ]);
    expect(expand(s, '2024-11-03T04:00:00Z', '2024-11-03T09:00:00Z')).toEqual([
      '2024-11-03T00:00:00=2024-11-03T04:00:00Z',
      '2024-11-03T01:00:00=2024-11-03T05:00:00Z',
      '2024-11-03T02:00:00=2024-11-03T07:00:00Z',
      '2024-11-03T03:00:00=2024-11-03T08:00:00Z',
    ]);
  });

  it('matches an EXDATE written with the skipped wall time against the moved instance (compared as instants)', () => {
    const s = series('America/New_York', '2024-03-08T02:30:00', 'FREQ=DAILY', { exdates: ['2024-03-10T02:30:00'] });
    expect(expand(s, '2024-03-09T00:00:00Z', '2024-03-12T00:00:00Z')).toEqual(['2024-03-09T02:30:00=2024-03-09T07:30:00Z', '2024-03-11T02:30:00=2024-03-11T06:30:00Z']);
  });
});

describe('expandSeries: the recurrence set (RFC 5545 §3.8.5.3)', () => {
  it('counts DTSTART as the first instance even when the rule would not produce it', () => {
    const s = series('UTC', '2024-01-03T10:00:00', 'FREQ=WEEKLY;BYDAY=MO;COUNT=3'); // a Wednesday
    expect(expand(s, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual([
      '2024-01-03T10:00:00=2024-01-03T10:00:00Z',
      '2024-01-08T10:00:00=2024-01-08T10:00:00Z',
      '2024-01-15T10:00:00=2024-01-15T10:00:00Z',
    ]);
  });

  it('counts COUNT before EXDATE and does not limit RDATE by COUNT or UNTIL', () => {
    const counted = series('Europe/Berlin', '2024-06-03T09:00:00', 'FREQ=DAILY;COUNT=3', {
      exdates: ['2024-06-04T09:00:00'],
      rdates: ['2024-07-01T12:00:00', '2024-06-03T09:00:00'],
    });
    expect(expand(counted, '2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z')).toEqual([
      '2024-06-03T09:00:00=2024-06-03T07:00:00Z',
      '2024-06-05T09:00:00=2024-06-05T07:00:00Z',
      '2024-07-01T12:00:00=2024-07-01T10:00:00Z',
    ]);
    const until = series('Europe/Berlin', '2024-06-03T09:00:00', 'FREQ=DAILY;UNTIL=20240604T070000Z', { rdates: ['2024-06-10T09:00:00'] });
    expect(expand(until, '2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z')).toEqual([
      '2024-06-03T09:00:00=2024-06-03T07:00:00Z',
      '2024-06-04T09:00:00=2024-06-04T07:00:00Z',
      '2024-06-10T09:00:00=2024-06-10T07:00:00Z',
    ]);
  });

  it('treats UNTIL as inclusive, whether UTC, floating local or a date', () => {
    const window = ['2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z'] as const;
    const last = (rule: string) => expand(series('Europe/Berlin', '2024-06-03T09:00:00', rule), ...window).at(-1);
    expect(last('FREQ=DAILY;UNTIL=20240605T070000Z')).toBe('2024-06-05T09:00:00=2024-06-05T07:00:00Z');
    expect(last('FREQ=DAILY;UNTIL=20240605T065959Z')).toBe('2024-06-04T09:00:00=2024-06-04T07:00:00Z');
    expect(last('FREQ=DAILY;UNTIL=20240605T090000')).toBe('2024-06-05T09:00:00=2024-06-05T07:00:00Z');
    expect(last('FREQ=DAILY;UNTIL=20240605')).toBe('2024-06-05T09:00:00=2024-06-05T07:00:00Z');
  });

  it('takes RDATE and EXDATE given as instants, and a date EXDATE removes that local day of a timed series', () => {
    const s = series('America/New_York', '2024-06-03T09:00:00', 'FREQ=DAILY;COUNT=4', {
      exdates: ['2024-06-04', '2024-06-05T13:00:00Z'],
      rdates: ['2024-06-09T20:00:00Z'],
    });
    expect(expand(s, '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z')).toEqual([
      '2024-06-03T09:00:00=2024-06-03T13:00:00Z',
      '2024-06-06T09:00:00=2024-06-06T13:00:00Z',
      '2024-06-09T16:00:00=2024-06-09T20:00:00Z',
    ]);
  });

  it('without an RRULE is DTSTART plus RDATE minus EXDATE', () => {
    const s = series('UTC', '2024-06-03T09:00:00', undefined, { rdates: ['2024-06-01T09:00:00', '2024-06-05T09:00:00'], exdates: ['2024-06-05T09:00:00'] });
    expect(expand(s, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual(['2024-06-01T09:00:00=2024-06-01T09:00:00Z', '2024-06-03T09:00:00=2024-06-03T09:00:00Z']);
  });

  it('returns only starts inside the half-open window', () => {
    const s = series('UTC', '2024-06-03T09:00:00', 'FREQ=DAILY');
    expect(expand(s, '2024-06-04T09:00:00Z', '2024-06-06T09:00:00Z')).toEqual(['2024-06-04T09:00:00=2024-06-04T09:00:00Z', '2024-06-05T09:00:00=2024-06-05T09:00:00Z']);
  });

  it('expands BYSETPOS over the whole period, so a first position before DTSTART is not moved later', () => {
    const s = series('UTC', '2024-01-17T09:00:00', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;COUNT=3');
    expect(expand(s, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual([
      '2024-01-17T09:00:00=2024-01-17T09:00:00Z',
      '2024-02-01T09:00:00=2024-02-01T09:00:00Z',
      '2024-03-01T09:00:00=2024-03-01T09:00:00Z',
    ]);
  });
});

describe('expandSeries: all-day series', () => {
  it('repeats a Feb 29 birthday only in leap years, each at 00:00 UTC of its date', () => {
    const s = series('Pacific/Auckland', '2000-02-29', 'FREQ=YEARLY');
    expect(expand(s, '2000-01-01T00:00:00Z', '2013-01-01T00:00:00Z')).toEqual([
      '2000-02-29=2000-02-29T00:00:00Z',
      '2004-02-29=2004-02-29T00:00:00Z',
      '2008-02-29=2008-02-29T00:00:00Z',
      '2012-02-29=2012-02-29T00:00:00Z',
    ]);
  });

  it('does not count the skipped years against COUNT', () => {
    const s = series('UTC', '2000-02-29', 'FREQ=YEARLY;COUNT=3');
    expect(seriesEnd(s)).toBe(at('2008-02-29T00:00:00Z'));
  });

  it('keeps a yearly birthday on its date whatever the zone', () => {
    const s = series('America/Los_Angeles', '1990-07-14', 'FREQ=YEARLY');
    expect(expand(s, '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual(['2024-07-14=2024-07-14T00:00:00Z', '2025-07-14=2025-07-14T00:00:00Z']);
  });

  it('applies date EXDATE/RDATE and a date UNTIL inclusively', () => {
    const s = series('Europe/Berlin', '2024-06-03', 'FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20240613', { exdates: ['2024-06-06'], rdates: ['2024-06-30'] });
    expect(expand(s, '2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z')).toEqual([
      '2024-06-03=2024-06-03T00:00:00Z',
      '2024-06-10=2024-06-10T00:00:00Z',
      '2024-06-13=2024-06-13T00:00:00Z',
      '2024-06-30=2024-06-30T00:00:00Z',
    ]);
  });

  it('reads a UTC date-time UNTIL as the local date it falls on in the series zone', () => {
    // 2024-06-12T22:00Z is already June 13 in Berlin.
    const s = series('Europe/Berlin', '2024-06-10', 'FREQ=DAILY;UNTIL=20240612T220000Z');
    expect(expand(s, '2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z')).toHaveLength(4);
  });

  it('refuses a sub-daily frequency', () => {
    expect(() => expandSeries(series('UTC', '2024-06-03', 'FREQ=HOURLY'), { from: 0, to: at('2030-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ part: 'FREQ' }),
    );
  });
});

describe('expandSeries: bounded work', () => {
  it('answers a 2090 window for a daily rule from 1997 quickly and exactly', () => {
    const s = series('America/New_York', '1997-09-02T09:00:00', 'FREQ=DAILY;INTERVAL=3');
    const started = performance.now();
    const { occurrences } = expandSeries(s, { from: at('2090-03-01T00:00:00Z'), to: at('2090-04-01T00:00:00Z') });
    expect(performance.now() - started).toBeLessThan(50);
    const first = Temporal.PlainDate.from('1997-09-02');
    for (const o of occurrences) {
      const date = Temporal.PlainDate.from(o.local.slice(0, 10));
      expect(first.until(date).days % 3).toBe(0);
      expect(o.start).toBe(Temporal.PlainDateTime.from(o.local).toZonedDateTime('America/New_York').epochMilliseconds);
    }
    expect(occurrences.map((o) => o.local.slice(0, 10))).toEqual(['2090-03-01', '2090-03-04', '2090-03-07', '2090-03-10', '2090-03-13', '2090-03-16', '2090-03-19', '2090-03-22', '2090-03-25', '2090-03-28', '2090-03-31'].filter((d) => first.until(Temporal.PlainDate.from(d)).days % 3 === 0));
    expect(occurrences.length).toBeGreaterThanOrEqual(10);
    expect(occurrences.every((o) => o.local.endsWith('T09:00:00'))).toBe(true);
  });

  it('answers a MINUTELY rule queried years later on the wall-clock grid of DTSTART, through a spring-forward', () => {
    const s = series('Europe/Berlin', '2020-01-01T00:00:00', 'FREQ=MINUTELY;INTERVAL=7');
    const window = { from: at('2031-03-30T00:00:00Z'), to: at('2031-03-30T03:00:00Z') };
    const started = performance.now();
    const { occurrences, truncated } = expandSeries(s, window);
    expect(performance.now() - started).toBeLessThan(50);
    expect(truncated).toBe(false);
    // Oracle: every 7th wall-clock minute since DTSTART, read by Temporal; 02:xx does not exist that day.
    const origin = Temporal.PlainDateTime.from('2020-01-01T00:00:00');
    const firstStep = Math.floor(origin.until('2031-03-29T12:00:00', { largestUnit: 'minutes' }).minutes / 7);
    const expected = new Set<number>();
    for (let step = firstStep; step < firstStep + 400; step++) {
      const instant = origin.add({ minutes: 7 * step }).toZonedDateTime('Europe/Berlin').epochMilliseconds;
      if (instant >= window.from && instant < window.to) expected.add(instant);
    }
    expect(occurrences.map((o) => o.start)).toEqual([...expected].sort((a, b) => a - b));
    expect(occurrences.length).toBeGreaterThan(25);
  });

  it('cuts at the cap and says so', () => {
    const s = series('UTC', '2024-01-01T09:00:00', 'FREQ=DAILY');
    const window = { from: at('2024-01-01T00:00:00Z'), to: at('2034-01-01T00:00:00Z') };
    const capped = expandSeries(s, window, { cap: 100 });
    expect(capped.occurrences).toHaveLength(100);
    expect(capped.truncated).toBe(true);
    expect(capped.occurrences.at(-1)?.local).toBe('2024-04-09T09:00:00');
    const exact = expandSeries(s, { from: window.from, to: at('2024-04-10T00:00:00Z') }, { cap: 100 });
    expect(exact).toEqual({ occurrences: capped.occurrences, truncated: false });
    expect(expandSeries(s, window).occurrences).toHaveLength(1000);
  });

  it('stops a MINUTELY rule over a year at the default cap quickly', () => {
    const started = performance.now();
    const { occurrences, truncated } = expandSeries(series('UTC', '2024-01-01T00:00:00', 'FREQ=MINUTELY'), { from: 0, to: at('2025-01-01T00:00:00Z') });
    expect(performance.now() - started).toBeLessThan(50);
    expect(occurrences).toHaveLength(1000);
    expect(truncated).toBe(true);
  });

  it.each([
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31;COUNT=5',
    'FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2;COUNT=5',
    'FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=6;COUNT=5',
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5',
    'FREQ=HOURLY;INTERVAL=2;BYHOUR=3;COUNT=5',
    'FREQ=MINUTELY;BYMONTHDAY=-30;BYMONTH=2;COUNT=5',
    'FREQ=MINUTELY;BYSECOND=60;COUNT=5',
    'FREQ=MINUTELY;BYSECOND=5;BYSETPOS=2;COUNT=5',
    'FREQ=HOURLY;INTERVAL=1000;BYHOUR=3;COUNT=5',
    'FREQ=MINUTELY;INTERVAL=1000;BYMONTH=2;BYMONTHDAY=30;COUNT=5',
  ])('terminates promptly on the impossible rule %s with only DTSTART', (rule) => {
    const s = series('Europe/Berlin', '2024-01-01T00:00:00', rule);
    const started = performance.now();
    expect(expand(s, '0001-01-01T00:00:00Z', '9999-12-31T00:00:00Z')).toEqual(['2024-01-01T00:00:00=2023-12-31T23:00:00Z']);
    expect(seriesEnd(s)).toBe(at('2023-12-31T23:00:00Z'));
    // A guard against a search that runs away (it would take minutes), not a benchmark: a busy CI box may be slow.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('seriesEnd', () => {
  it('is null for a rule without COUNT or UNTIL', () => {
    expect(seriesEnd(series('UTC', '2024-01-01T09:00:00', 'FREQ=WEEKLY'))).toBeNull();
  });

  it('is the last instance of a COUNT rule, or a later RDATE', () => {
    expect(seriesEnd(series('America/New_York', '2024-01-01T09:00:00', 'FREQ=WEEKLY;COUNT=10'))).toBe(at('2024-03-04T14:00:00Z'));
    expect(seriesEnd(series('UTC', '2024-01-01T09:00:00', 'FREQ=WEEKLY;COUNT=10', { rdates: ['2025-01-01T00:00:00'] }))).toBe(at('2025-01-01T00:00:00Z'));
  });

  it('is the last instance at or before UNTIL, skipping an excluded one', () => {
    const s = series('Europe/Berlin', '2000-01-01T09:00:00', 'FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20240615T000000Z', { exdates: ['2024-05-31T09:00:00'] });
    expect(seriesEnd(s)).toBe(at('2024-04-30T07:00:00Z'));
  });

  it('is the last RDATE or DTSTART without a rule', () => {
    expect(seriesEnd(series('UTC', '2024-01-01T09:00:00', undefined, { rdates: ['2023-01-01T09:00:00'] }))).toBe(at('2024-01-01T09:00:00Z'));
  });
});

describe('expandSeries: invalid series', () => {
  it.each([
    [{ dtstart: '2024-01-01 09:00' }, 'DTSTART'],
    [{ dtstart: '2024-02-30T09:00:00' }, 'DTSTART'],
    [{ dtstart: '2024-01-01T09:00:00Z' }, 'DTSTART'],
    [{ rdates: ['tomorrow'] }, 'RDATE'],
    [{ exdates: ['2024-13-01'] }, 'EXDATE'],
    [{ timeZone: 'Not/AZone' }, 'TZID'],
  ] as const)('refuses %j with a RecurrenceError on %s', (change, part) => {
    const s = { ...series('UTC', '2024-01-01T09:00:00', 'FREQ=DAILY'), ...change };
    expect(() => expandSeries(s, { from: 0, to: 1 })).toThrow(RecurrenceError);
    expect(() => expandSeries(s, { from: 0, to: 1 })).toThrow(expect.objectContaining({ part }));
  });
});
