import { mergeCalendarObjects } from './calendarObjectMerge';

const object = (...components: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//EN', ...components.flat(), 'END:VCALENDAR', ''].join('\r\n');
const berlin = ['BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE'];
const event = (uid: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'SUMMARY:A long title that goes on', ' and on', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'END:VALARM', 'END:VEVENT'];

describe('joining calendar objects rendered in parts', () => {
  it('keeps the first header, adds properties, each zone once and every event in order', () => {
    const merged = mergeCalendarObjects([object(berlin, event('a')), object(berlin, event('b'), event('c'))], ['X-WR-CALNAME:Family']);
    expect(merged.split('\r\n')).toEqual([
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//EN', 'X-WR-CALNAME:Family', ...berlin, ...event('a'), ...event('b'), ...event('c'), 'END:VCALENDAR', '',
    ]);
  });

  it('an empty calendar is its header alone', () => {
    expect(mergeCalendarObjects([object()], [])).toBe('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Datebook//EN\r\nEND:VCALENDAR\r\n');
  });

  it('tells zones apart by their whole TZID, folded or not', () => {
    const folded = ['BEGIN:VTIMEZONE', 'TZID:America/Argentina/', ' Buenos_Aires', 'END:VTIMEZONE'];
    const merged = mergeCalendarObjects([object(folded, berlin), object(['BEGIN:VTIMEZONE', 'TZID:America/Argentina/Buenos_Aires', 'END:VTIMEZONE'])], []);
    expect(merged.match(/BEGIN:VTIMEZONE/g)).toHaveLength(2);
  });

  it('a zone in several parts lists every observance any part needs, each once, by start', () => {
    const observance = (kind: string, start: string, from: string, to: string) => [`BEGIN:${kind}`, `DTSTART:${start}`, `TZOFFSETFROM:${from}`, `TZOFFSETTO:${to}`, `END:${kind}`];
    const recent = ['BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', ...observance('STANDARD', '20291201T000000', '+0100', '+0100'), ...observance('DAYLIGHT', '20300331T020000', '+0100', '+0200'), 'END:VTIMEZONE'];
    const older = ['BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', ...observance('STANDARD', '20291027T030000', '+0200', '+0100'), ...observance('DAYLIGHT', '20300331T020000', '+0100', '+0200'), 'END:VTIMEZONE'];
    const merged = mergeCalendarObjects([object(recent, event('a')), object(older, event('b'))], []);
    expect(merged.split('\r\n').slice(3, -2 - 2 * event('a').length)).toEqual([
      'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
      ...observance('STANDARD', '20291027T030000', '+0200', '+0100'), ...observance('STANDARD', '20291201T000000', '+0100', '+0100'), ...observance('DAYLIGHT', '20300331T020000', '+0100', '+0200'),
      'END:VTIMEZONE',
    ]);
  });
});
