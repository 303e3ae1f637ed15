/** Test helpers: an iCalendar object from content lines (CRLF, as RFC 5545 §3.1 writes them). */
export const calendar = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

export const vevent = (...lines: string[]): string[] => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];

/** A VTIMEZONE with yearly STANDARD/DAYLIGHT rules (RFC 5545 §3.6.5), offsets as "+0100". */
export function vtimezone(tzid: string, standard: { offset: string; rule: string; start: string }, daylight?: { offset: string; rule: string; start: string }): string[] {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`];
  const from = (observance: { offset: string }, other: { offset: string } | undefined) => (other ?? observance).offset;
  lines.push('BEGIN:STANDARD', `DTSTART:${standard.start}`, `TZOFFSETFROM:${from(standard, daylight)}`, `TZOFFSETTO:${standard.offset}`, ...(standard.rule ? [`RRULE:${standard.rule}`] : []), 'END:STANDARD');
  if (daylight) lines.push('BEGIN:DAYLIGHT', `DTSTART:${daylight.start}`, `TZOFFSETFROM:${standard.offset}`, `TZOFFSETTO:${daylight.offset}`, `RRULE:${daylight.rule}`, 'END:DAYLIGHT');
  lines.push('END:VTIMEZONE');
  return lines;
}
