import { ExpansionBudget } from '../recurrence/expansionBudget';
import { readComponents } from './components';
import { readContentLines } from './contentLines';
import { MAX_OVERRIDES_PER_EVENT } from './limits';
import { parseCalendarObjects } from './parseCalendarObjects';
import { ICalendarSyntaxError } from './syntaxError';
import { MAX_OBSERVANCE_DATES, MAX_OBSERVANCES, VTimezoneRules } from './vtimezoneRules';

const calendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const vtimezone = (tzid: string, ...observances: string[][]) => ['BEGIN:VTIMEZONE', `TZID:${tzid}`, ...observances.flat(), 'END:VTIMEZONE'];
const observance = (kind: 'STANDARD' | 'DAYLIGHT', start: string, from: string, to: string, ...more: string[]) =>
  [`BEGIN:${kind}`, `DTSTART:${start}`, `TZOFFSETFROM:${from}`, `TZOFFSETTO:${to}`, ...more, `END:${kind}`];
const rulesOf = (lines: string[], budget?: ExpansionBudget) => {
  const [zone] = readComponents(readContentLines(calendar(...lines), { maxLineOctets: 65_536 }), { maxEvents: 10, maxNesting: 8, maxPropertiesPerComponent: 10_000 })[0]?.components ?? [];
  return zone && VTimezoneRules.of(zone, budget);
};
const utc = (ms: number) => `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

/** What one hostile text may cost the reader: every bound an attacker could otherwise stretch. */
describe('the reader’s bounds', () => {
  it('stops reading at maxContentLines, before the lines past it are read', () => {
    const text = calendar(...Array.from({ length: 100 }, (_, i) => `X-LINE-${i}:${i}`));
    expect(readContentLines(text, { maxLineOctets: 100, maxContentLines: 103 })).toHaveLength(103);
    expect(() => readContentLines(text, { maxLineOctets: 100, maxContentLines: 50 })).toThrow(new ICalendarSyntaxError(51, 'more than 50 content lines'));
    expect(() => parseCalendarObjects(text, { maxContentLines: 50 })).toThrow(ICalendarSyntaxError);
  });

  it('skips a series with more changed occurrences than an event keeps, and keeps one with as many', () => {
    const series = (uid: string, overrides: number) => [
      'BEGIN:VEVENT', `UID:${uid}`, 'DTSTART:20300107T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=600', 'END:VEVENT',
      ...Array.from({ length: overrides }, (_, i) => {
        const at = Date.UTC(2030, 0, 8 + i, 9);
        return ['BEGIN:VEVENT', `UID:${uid}`, `RECURRENCE-ID:${utc(at)}`, `DTSTART:${utc(at + 3_600_000)}`, 'DURATION:PT1H', 'END:VEVENT'];
      }).flat(),
    ];
    const { drafts, skipped } = parseCalendarObjects(calendar(...series('kept', MAX_OVERRIDES_PER_EVENT), ...series('too many', MAX_OVERRIDES_PER_EVENT + 1)));
    expect(drafts.map((d) => [d.uid, d.overrides.length])).toEqual([['kept', MAX_OVERRIDES_PER_EVENT]]);
    expect(skipped).toEqual([{ uid: 'too many', line: expect.any(Number), reason: `more than ${MAX_OVERRIDES_PER_EVENT} changed or cancelled occurrences (RECURRENCE-ID)` }]);
  });

  it('does not read a VTIMEZONE of more observances or dates than any real zone has', () => {
    const many = Array.from({ length: MAX_OBSERVANCES + 1 }, (_, i) => observance('STANDARD', `${1900 + i}0101T000000`, '+0100', '+0100'));
    expect(rulesOf(vtimezone('Many', ...many))).toBeUndefined();
    expect(rulesOf(vtimezone('Enough', ...many.slice(0, MAX_OBSERVANCES)))).toBeDefined();
    const dates = (n: number) => Array.from({ length: n }, (_, i) => `${1901 + (i % 290)}0${1 + (i % 9)}15T020000`).join(',');
    expect(rulesOf(vtimezone('Dates', observance('DAYLIGHT', '19000301T000000', '+0100', '+0200', `RDATE:${dates(MAX_OBSERVANCE_DATES + 1)}`)))).toBeUndefined();
    expect(rulesOf(vtimezone('Dates', observance('DAYLIGHT', '19000301T000000', '+0100', '+0200', `RDATE:${dates(MAX_OBSERVANCE_DATES)}`)))).toBeDefined();
  });

  it('finds the offset of a VTIMEZONE of many dates as walking them all would', () => {
    const onsets = Array.from({ length: 400 }, (_, i) => `${1950 + Math.floor(i / 2)}${i % 2 ? '1001' : '0401'}T020000`);
    const rules = rulesOf(vtimezone('Dated',
      observance('STANDARD', '19400101T000000', '+0117', '+0117', `RDATE:${onsets.filter((_, i) => i % 2).join(',')}`),
      observance('DAYLIGHT', '19400401T020000', '+0117', '+0217', `RDATE:${onsets.filter((_, i) => i % 2 === 0).join(',')}`))) as VTimezoneRules;
    const hour = 3_600_000;
    const offset = (ms: number) => rules.offsetAt(ms) / 60_000;
    expect(offset(Date.UTC(1930, 5, 1))).toBe(77);
    expect(offset(Date.UTC(1960, 5, 1))).toBe(137);
    expect(offset(Date.UTC(1960, 11, 1))).toBe(77);
    // The onset itself: 1960-04-01 02:00 at +01:17 is 00:43 UTC.
    expect(offset(Date.UTC(1960, 3, 1, 0, 43) - 1)).toBe(77);
    expect(offset(Date.UTC(1960, 3, 1, 0, 43))).toBe(137);
    expect(rules.instantOf(Date.UTC(1960, 5, 1, 12))).toBe(Date.UTC(1960, 5, 1, 12) - 137 * 60_000);
    expect(offset(Date.UTC(2160, 5, 1) + hour)).toBe(77);
  });

  it('charges every yearly expansion of a VTIMEZONE rule to the file’s budget', () => {
    const ruled = Array.from({ length: 150 }, (_, i) => observance(i % 2 ? 'DAYLIGHT' : 'STANDARD', '19000101T000000', '+0117', `+0${i % 9}17`, `RRULE:FREQ=YEARLY;BYMONTH=${1 + (i % 12)};BYDAY=-1SU`));
    const budget = new ExpansionBudget(20_000);
    const rules = rulesOf(vtimezone('Ruled', ...ruled), budget) as VTimezoneRules;
    expect(() => {
      for (let year = 1901; year < 2200; year += 1) rules.offsetAt(Date.UTC(year, 5, 1));
    }).toThrow(/more expansion work than one file may/);
    expect(budget.exhausted).toBe(true);
  });
});
