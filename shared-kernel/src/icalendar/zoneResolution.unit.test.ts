import { ZoneClock } from '../recurrence/zoneClock';
import { parseCalendarObjects } from './parseCalendarObjects';
import { calendar, vevent, vtimezone } from './testCalendars';

const europe = { standard: { offset: '+0100', rule: 'FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', start: '16011028T030000' }, daylight: { offset: '+0200', rule: 'FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3', start: '16010325T020000' } };
const timed = (uid: string, tzid: string, start = '20300610T090000', end = '20300610T100000', ...more: string[]) =>
  vevent(`UID:${uid}`, `DTSTART;TZID="${tzid}":${start}`, `DTEND;TZID="${tzid}":${end}`, 'SUMMARY:x', ...more);
const only = (text: string, options = {}) => {
  const { drafts, skipped } = parseCalendarObjects(text, options);
  expect(skipped).toEqual([]);
  expect(drafts).toHaveLength(1);
  return drafts[0] as NonNullable<(typeof drafts)[0]>;
};

describe('time zones of TZIDs (RFC 5545 §3.2.19, §3.6.5)', () => {
  it('takes an IANA name as itself (in the tz database’s spelling)', () => {
    expect(only(calendar(...timed('a', 'europe/berlin'))).timing).toMatchObject({ timeZone: 'Europe/Berlin', startTime: '2030-06-10T07:00:00.000Z', startLocal: '2030-06-10T09:00:00' });
  });

  it('maps a Windows zone name (as Outlook writes it) to its IANA zone, in DTSTART and EXDATE', () => {
    const draft = only(calendar(
      ...vtimezone('W. Europe Standard Time', europe.standard, europe.daylight),
      ...timed('a', 'W. Europe Standard Time', '20300318T090000', '20300318T093000', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID="W. Europe Standard Time":20300325T090000'),
    ));
    expect(draft.timing).toMatchObject({ timeZone: 'Europe/Berlin', startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:30:00.000Z' });
    expect(draft.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20300325T090000']);
  });

  it('maps a Windows name without any VTIMEZONE too', () => {
    expect(only(calendar(...timed('a', 'Pacific Standard Time'))).timing).toMatchObject({ timeZone: 'America/Los_Angeles', startTime: '2030-06-10T16:00:00.000Z' });
  });

  it('takes the IANA name at the end of a vendor path (/citadel.org/…/Australia/Sydney)', () => {
    expect(only(calendar(...timed('a', '/citadel.org/20190914_1/Australia/Sydney'))).timing.timeZone).toBe('Australia/Sydney');
  });

  it('matches a VTIMEZONE of unknown name to an IANA zone with the same offsets around the event', () => {
    const draft = only(calendar(...vtimezone('Customized Time Zone', europe.standard, europe.daylight), ...timed('a', 'Customized Time Zone', '20300318T090000', '20300318T093000', 'RRULE:FREQ=WEEKLY;COUNT=10')));
    const clock = ZoneClock.of(draft.timing.timeZone);
    // The zone found keeps Berlin's offsets on both sides of the 2030 changes (31 March, 27 October).
    for (const at of ['2030-01-15T12:00:00Z', '2030-03-31T00:59:59Z', '2030-03-31T01:00:00Z', '2030-10-27T00:59:59Z', '2030-10-27T01:00:00Z']) {
      expect(clock.offsetAt(Date.parse(at))).toBe(ZoneClock.of('Europe/Berlin').offsetAt(Date.parse(at)));
    }
    expect(draft.timing).toMatchObject({ startTime: '2030-03-18T08:00:00.000Z', startLocal: '2030-03-18T09:00:00' });
  });

  it('prefers a zone whose city the TZID names ("(UTC+01:00) Amsterdam, Berlin, …")', () => {
    const tzid = '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna';
    const draft = only(calendar(...vtimezone(tzid, europe.standard, europe.daylight), ...timed('a', tzid)));
    expect(['Europe/Amsterdam', 'Europe/Berlin', 'Europe/Rome', 'Europe/Stockholm', 'Europe/Vienna']).toContain(draft.timing.timeZone);
  });

  it('matches a fixed-offset VTIMEZONE (+05:45) to a zone of that offset', () => {
    const draft = only(calendar(...vtimezone('Customized Time Zone 1', { offset: '+0545', rule: '', start: '16010101T000000' }), ...timed('a', 'Customized Time Zone 1', '20301002T093000', '20301002T103000')));
    expect(ZoneClock.of(draft.timing.timeZone).offsetAt(Date.parse('2030-10-02T00:00:00Z'))).toBe((5 * 60 + 45) * 60_000);
    expect(draft.timing.startTime).toBe('2030-10-02T03:45:00.000Z');
  });

  it('converts times of a VTIMEZONE no IANA zone matches with its own offsets, into zone UTC', () => {
    // +03:17 in winter, +04:17 from the first Sunday of April to the first Sunday of September: no such zone exists.
    const odd = vtimezone('Mars Base', { offset: '+0317', rule: 'FREQ=YEARLY;BYDAY=1SU;BYMONTH=9', start: '19700906T030000' }, { offset: '+0417', rule: 'FREQ=YEARLY;BYDAY=1SU;BYMONTH=4', start: '19700405T020000' });
    const text = calendar(...odd, ...timed('a', 'Mars Base', '20300610T090000', '20300610T100000', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;TZID=Mars Base:20300611T090000'));
    const draft = only(text);
    expect(draft.timing).toMatchObject({ timeZone: 'UTC', startTime: '2030-06-10T04:43:00.000Z', endTime: '2030-06-10T05:43:00.000Z', startLocal: null });
    expect(draft.recurrence).toEqual(['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20300611T044300Z']);
    const winter = only(calendar(...odd, ...timed('b', 'Mars Base', '20301210T090000', '20301210T100000')));
    expect(winter.timing.startTime).toBe('2030-12-10T05:43:00.000Z');
  });

  it('skips an event whose TZID names no zone and has no VTIMEZONE, with the reason and its line', () => {
    const { drafts, skipped } = parseCalendarObjects(calendar(...timed('a', 'Europe/Atlantis'), ...timed('b', 'UTC')));
    expect(drafts.map((d) => d.uid)).toEqual(['b']);
    expect(skipped).toEqual([{ uid: 'a', line: 4, reason: 'DTSTART: TZID "Europe/Atlantis" is neither a known time zone nor defined by a VTIMEZONE' }]);
  });

  it('bounds the work of hostile VTIMEZONE rules by the file’s budget: events past it are skipped, not computed', () => {
    const busy = vtimezone('Busy Zone', { offset: '+0317', rule: 'FREQ=MINUTELY', start: '19700101T000000' }, { offset: '+0417', rule: 'FREQ=MINUTELY;INTERVAL=2', start: '19700101T000100' });
    const events = Array.from({ length: 200 }, (_, i) => timed(`e${i}`, 'Busy Zone', `${1950 + i}0610T090000`, `${1950 + i}0610T100000`)).flat();
    const started = performance.now();
    const whole = parseCalendarObjects(calendar(...busy, ...events));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(whole.drafts.length + whole.skipped.length).toBe(200);
    const { drafts, skipped } = parseCalendarObjects(calendar(...busy, ...events), { maxRecurrenceSteps: 200_000 });
    expect(drafts.length + skipped.length).toBe(200);
    expect(skipped.length).toBeGreaterThan(100);
    expect(skipped[skipped.length - 1]?.reason).toBe('TZID "Busy Zone": its VTIMEZONE rules take more expansion work than one file may');
  });
});
