import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { expandSeries, parseRRule } from '../recurrence';
import { commonFree } from './commonFree';
import { freeBusy } from './freeBusy';
import { MINUTE_MS, type Interval } from './interval';
import { suggestTimes } from './suggestions';

// Format: shared/testdata/README.md. Recurring entries use the recurrence format of rrule-rfc5545.json.
interface CorpusInterval {
  start: string;
  end: string;
}
interface CorpusRecurring {
  tzid: string;
  dtstart: string;
  duration_minutes: number | null;
  rrule?: string | null;
  exdate: string[];
  rdate: string[];
}
interface CorpusCase {
  id: string;
  title: string;
  window: { from: string; to: string };
  duration_minutes: number;
  users: { name: string; busy: CorpusInterval[]; recurring: CorpusRecurring[] }[];
  expected: {
    users: { name: string; busy: CorpusInterval[]; free: CorpusInterval[] }[];
    common_free: CorpusInterval[];
  };
}

const corpusPath = path.resolve(__dirname, '../../../../shared/testdata/freebusy-cases.json');
const cases = JSON.parse(readFileSync(corpusPath, 'utf8')) as CorpusCase[];

const toInterval = ({ start, end }: CorpusInterval): Interval => ({ start: Date.parse(start), end: Date.parse(end) });
// The corpus writes instants as YYYY-MM-DDTHH:mm:ssZ; a stray millisecond would show up as a mismatch.
const toIso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const asCorpus = (list: readonly Interval[]): CorpusInterval[] => list.map(({ start, end }) => ({ start: toIso(start), end: toIso(end) }));

const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Each occurrence of `entry` that overlaps the window, as a busy interval. Occurrences are found by
 * start, so `from` is widened by the longest an occurrence lasts: one that starts before the window
 * but reaches into it counts.
 */
function occurrenceBusy(entry: CorpusRecurring, window: Interval): Interval[] {
  const allDay = entry.duration_minutes === null;
  // An all-day occurrence is its whole local day, which is never longer than two days of UTC time.
  const reach = allDay ? 2 * DAY_MS : (entry.duration_minutes ?? 0) * MINUTE_MS;
  const { occurrences, truncated } = expandSeries(
    {
      timeZone: entry.tzid,
      dtstart: entry.dtstart,
      ...(entry.rrule ? { rrule: parseRRule(entry.rrule) } : {}),
      rdates: entry.rdate,
      exdates: entry.exdate,
    },
    { from: window.start - reach, to: window.end },
  );
  expect(truncated).toBe(false);
  return occurrences.map(({ local, start }) => {
    if (!allDay) return { start, end: start + reach };
    const day = Temporal.PlainDate.from(local.slice(0, 10));
    const startOf = (d: Temporal.PlainDate) => d.toZonedDateTime({ timeZone: entry.tzid }).epochMilliseconds;
    return { start: startOf(day), end: startOf(day.add({ days: 1 })) };
  });
}

describe('free/busy corpus (shared/testdata/freebusy-cases.json)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe.each(cases.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_, testCase) => {
    const window = { start: Date.parse(testCase.window.from), end: Date.parse(testCase.window.to) };
    const busyOf = (user: CorpusCase['users'][number]) => [
      ...user.busy.map(toInterval),
      ...user.recurring.flatMap((entry) => occurrenceBusy(entry, window)),
    ];

    it('gives each user the expected merged busy and free time', () => {
      const actual = testCase.users.map((user) => {
        const { busy, free } = freeBusy(busyOf(user), window);
        return { name: user.name, busy: asCorpus(busy), free: asCorpus(free) };
      });
      expect(actual).toEqual(testCase.expected.users);
    });

    it('gives the expected common free time', () => {
      const free = testCase.users.map((user) => freeBusy(busyOf(user), window).free);
      expect(asCorpus(commonFree(free, window, testCase.duration_minutes))).toEqual(testCase.expected.common_free);
    });

    it('suggests exactly the common free time, with everybody, when working hours are ignored', () => {
      const { suggestions } = suggestTimes({
        users: testCase.users.map((user) => ({ userID: user.name, busy: busyOf(user), timeZone: 'UTC' })),
        window,
        durationMinutes: testCase.duration_minutes,
        respectWorkingHours: false,
      });
      expect(asCorpus(suggestions)).toEqual(testCase.expected.common_free);
      for (const suggestion of suggestions) expect(suggestion.userIDs).toEqual(testCase.users.map((user) => user.name));
    });
  });
});
