import { readItipMessage } from './itipReplyReader';
import { originalStartOf } from './recurrenceIDs';

const berlin = { allDay: false, timeZone: 'Europe/Berlin' };
const rid = (value: string, tzid: string | null = null, date = false) => ({ value, tzid, date });

describe('the occurrence a RECURRENCE-ID names (RFC 5545 §3.8.4.4)', () => {
  it('reads a local time in its TZID, a UTC time as it is, and a floating time in the series’ zone', () => {
    expect(originalStartOf(rid('20300610T100000', 'Europe/Berlin'), berlin)).toBe('2030-06-10T08:00:00.000Z');
    expect(originalStartOf(rid('20300610T100000', 'America/New_York'), berlin, readItipMessage('BEGIN:VCALENDAR\r\nEND:VCALENDAR').zones)).toBe('2030-06-10T14:00:00.000Z');
    expect(originalStartOf(rid('20300610T080000Z'), berlin)).toBe('2030-06-10T08:00:00.000Z');
    expect(originalStartOf(rid('20300610T100000'), berlin)).toBe('2030-06-10T08:00:00.000Z');
  });

  it('reads Outlook’s Windows zone names, and a client’s own VTIMEZONE by its offsets; a TZID the message does not define in the series’ zone', () => {
    const { zones } = readItipMessage(
      [
        'BEGIN:VCALENDAR', 'METHOD:REPLY',
        'BEGIN:VTIMEZONE', 'TZID:Custom Eastern', 'BEGIN:STANDARD', 'DTSTART:16011104T020000', 'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD',
        'BEGIN:DAYLIGHT', 'DTSTART:16010311T020000', 'RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT', 'END:VTIMEZONE',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    expect(originalStartOf(rid('20300610T100000', 'Pacific Standard Time'), berlin, zones)).toBe('2030-06-10T17:00:00.000Z');
    expect(originalStartOf(rid('20300610T100000', 'Custom Eastern'), berlin, zones)).toBe('2030-06-10T14:00:00.000Z');
    expect(originalStartOf(rid('20300610T100000', 'Nowhere Standard Time'), berlin, zones)).toBe('2030-06-10T08:00:00.000Z');
  });

  it('names a wall time in a daylight-saving gap by the instance after it', () => {
    expect(originalStartOf(rid('20300331T023000', 'Europe/Berlin'), berlin)).toBe('2030-03-31T01:30:00.000Z');
  });

  it('gives an all-day series its date, whatever form the value has', () => {
    expect(originalStartOf(rid('20300610', null, true), { allDay: true, timeZone: 'UTC' })).toBe('2030-06-10');
    expect(originalStartOf(rid('20300610T000000'), { allDay: true, timeZone: 'UTC' })).toBe('2030-06-10');
  });

  it.each([['a date for a timed series', rid('20300610', null, true)], ['no date', rid('tomorrow')], ['an impossible date', rid('20300231T100000', 'Europe/Berlin')]])('names nothing for %s', (_what, value) => {
    expect(originalStartOf(value, berlin)).toBeUndefined();
  });
});
