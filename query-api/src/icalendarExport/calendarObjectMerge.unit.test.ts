import { CalendarObjectMerge } from './calendarObjectMerge';

const calendar = (...lines: string[]) => `${['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
const zone = (...onsets: string[]) => ['BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', ...onsets.flatMap((o) => ['BEGIN:STANDARD', `DTSTART:${o}`, 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD']), 'END:VTIMEZONE'];
const vevent = (uid: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'SUMMARY:a long summary that', ' continues on a folded line', 'END:VEVENT'];

describe('merging VCALENDARs rendered a chunk at a time', () => {
  it('keeps the first one\'s calendar properties, each zone once with the union of its observances, and every event in order', () => {
    const merged = new CalendarObjectMerge()
      .add(calendar(...zone('20291027T030000', '20301026T030000'), ...vevent('a')))
      .add(calendar(...zone('20301026T030000', '20311026T030000'), ...vevent('b'), ...vevent('c')))
      .add(calendar(...vevent('d')))
      .toString(['X-WR-CALNAME:Family']);
    expect(merged).toBe(calendar(
      'X-WR-CALNAME:Family',
      ...zone('20291027T030000', '20301026T030000', '20311026T030000'),
      ...vevent('a'), ...vevent('b'), ...vevent('c'), ...vevent('d'),
    ));
  });

  it('of nothing, is an empty calendar', () => {
    expect(new CalendarObjectMerge().add(calendar()).toString()).toBe(calendar());
  });
});
