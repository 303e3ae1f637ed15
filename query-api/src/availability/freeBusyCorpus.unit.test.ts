import { readTestCorpus } from '@datebook/shared-kernel/testing';
import { Temporal } from 'temporal-polyfill';
import { expandSeries, parseRRule } from '@datebook/shared-kernel';
import { commonFree } from './commonFree';
import { freeBusy } from './freeBusy';
import { MINUTE_MS, type Interval } from '@datebook/shared-kernel';
import { suggestTimes } from './suggestions';

// Format: shared-kernel/testdata/README.md. Recurring entries use the recurrence format of rrule-rfc5545.json.
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

const corpus = readTestCorpus<CorpusCase[]>('freebusy-cases.json');

// Hand-computed, in the corpus format, for rules the shared corpus states but no case of it exercises:
// touching blocks merge, an occurrence that starts before the window reaches into it, and a series in
// a zone with DST (09:00 New York on Monday 2024-06-03 is 13:00Z in EDT, though the series began in EST).
const supplementary: CorpusCase[] = [
  {
    id: 'local-01',
    title: 'Touching blocks merge; an occurrence from before the window reaches in; New York series after DST',
    window: { from: '2024-06-03T10:00:00Z', to: '2024-06-03T14:00:00Z' },
    duration_minutes: 30,
    users: [
      {
        name: 'alice',
        busy: [
          { start: '2024-06-03T11:00:00Z', end: '2024-06-03T11:30:00Z' },
          { start: '2024-06-03T10:30:00Z', end: '2024-06-03T11:00:00Z' },
        ],
        recurring: [{ tzid: 'UTC', dtstart: '2024-06-01T09:00:00', duration_minutes: 90, rrule: 'FREQ=DAILY', exdate: [], rdate: [] }],
      },
      {
        name: 'bob',
        busy: [],
        recurring: [
          { tzid: 'America/New_York', dtstart: '2024-03-04T09:00:00', duration_minutes: 60, rrule: 'FREQ=WEEKLY;BYDAY=MO', exdate: [], rdate: [] },
        ],
      },
    ],
    expected: {
      users: [
        {
          name: 'alice',
          busy: [{ start: '2024-06-03T10:00:00Z', end: '2024-06-03T11:30:00Z' }],
          free: [{ start: '2024-06-03T11:30:00Z', end: '2024-06-03T14:00:00Z' }],
        },
        {
          name: 'bob',
          busy: [{ start: '2024-06-03T13:00:00Z', end: '2024-06-03T14:00:00Z' }],
          free: [{ start: '2024-06-03T10:00:00Z', end: '2024-06-03T13:00:00Z' }],
        },
      ],
      common_free: [{ start: '2024-06-03T11:30:00Z', end: '2024-06-03T13:00:00Z' }],
    },
  },
];

const cases = [...corpus, ...supplementary];

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
  // An all-day occurrence is its whole local day in tzid, while the expander dates it at 00:00 UTC:
  // that day can begin up to a day before or after the reported start, so search a day further each way.
  const reach = allDay ? DAY_MS : (entry.duration_minutes ?? 0) * MINUTE_MS;
  const ahead = allDay ? DAY_MS : 0;
  const { occurrences, truncated } = expandSeries(
    {
      timeZone: entry.tzid,
      dtstart: entry.dtstart,
      ...(entry.rrule ? { rrule: parseRRule(entry.rrule) } : {}),
      rdates: entry.rdate,
      exdates: entry.exdate,
    },
    { from: window.start - reach - ahead, to: window.end + ahead },
  );
  expect(truncated).toBe(false);
  return occurrences.map(({ local, start }) => {
    if (!allDay) return { start, end: start + reach };
    const day = Temporal.PlainDate.from(local.slice(0, 10));
    const startOf = (d: Temporal.PlainDate) => d.toZonedDateTime({ timeZone: entry.tzid }).epochMilliseconds;
    return { start: startOf(day), end: startOf(day.add({ days: 1 })) };
  });
}

describe('free/busy corpus (shared-kernel/testdata/freebusy-cases.json)', () => {
  it('has cases', () => {
    expect(corpus.length).toBeGreaterThan(0);
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
