import { readTestCorpus } from '../testing/testCorpora';
import { expandSeries, parseRRule } from '.';

// Format: shared-kernel/testdata/README.md.
interface CorpusCase {
  id: string;
  title: string;
  tzid: string;
  dtstart: string;
  duration_minutes: number | null;
  rrule: string | null;
  exdate: string[];
  rdate: string[];
  window: { from: string; to: string };
  expected: { local: string; utc: string }[];
}

const cases = readTestCorpus<CorpusCase[]>('rrule-rfc5545.json');
const toIso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

describe('RFC 5545 §3.8.5.3 examples (shared-kernel/testdata/rrule-rfc5545.json)', () => {
  it('has all 42 cases and 670 occurrences', () => {
    expect(cases).toHaveLength(42);
    expect(cases.reduce((sum, c) => sum + c.expected.length, 0)).toBe(670);
  });

  it.each(cases.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_, c) => {
    const { occurrences, truncated } = expandSeries(
      {
        timeZone: c.tzid,
        dtstart: c.dtstart,
        ...(c.rrule ? { rrule: parseRRule(c.rrule) } : {}),
        rdates: c.rdate,
        exdates: c.exdate,
      },
      { from: Date.parse(c.window.from), to: Date.parse(c.window.to) },
    );
    expect(truncated).toBe(false);
    expect(occurrences.map(({ local, start }) => ({ local, utc: toIso(start) }))).toEqual(c.expected);
  });
});
