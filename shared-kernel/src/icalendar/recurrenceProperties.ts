/**
 * Recurrence lines of a series as they may appear in an iCalendar object. The lines come from the
 * client (RRULE/EXDATE/RDATE as Google Calendar's API takes them) and were stored as given, so they
 * are never copied into an invitation verbatim: a CR or LF in one would start a property of the
 * sender's choosing (an ATTENDEE, a VALARM, a second VEVENT). Each line is parsed strictly against
 * the grammar of its property and written again from the parsed parts; a line that does not parse is
 * left out.
 */

// RFC 5545 §3.3.10 recur-rule-part names (RFC 7529 adds RSCALE and SKIP).
const RRULE_PARTS = new Set(['FREQ', 'UNTIL', 'COUNT', 'INTERVAL', 'BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS', 'WKST', 'RSCALE', 'SKIP']);
// A part's value: letters, digits, signs and commas only (FREQ=WEEKLY, BYDAY=MO,-1FR, UNTIL=20300101T000000Z).
const RRULE_VALUE = /^[A-Z0-9+,-]{1,200}$/;
// RFC 5545 §3.3.4/§3.3.5 DATE and DATE-TIME, optionally UTC.
const DATE_OR_DATE_TIME = /^\d{8}(T\d{6}Z?)?$/;
// An IANA zone name, the only TZID the command side accepts (e.g. America/Argentina/Buenos_Aires, Etc/GMT+5).
const ZONE_NAME = /^[A-Za-z0-9_+/-]{1,64}$/;

function rrule(value: string): string | undefined {
  const parts = value.toUpperCase().split(';');
  const written: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq);
    const partValue = part.slice(eq + 1);
    if (eq <= 0 || !RRULE_PARTS.has(name) || !RRULE_VALUE.test(partValue)) return undefined;
    written.push(`${name}=${partValue}`);
  }
  return written.some((part) => part.startsWith('FREQ=')) ? `RRULE:${written.join(';')}` : undefined;
}

function dateList(name: 'EXDATE' | 'RDATE', params: string[], value: string): string | undefined {
  const written: string[] = [];
  for (const param of params) {
    const eq = param.indexOf('=');
    const key = param.slice(0, eq).toUpperCase();
    const raw = param.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    if (key === 'VALUE' && (raw.toUpperCase() === 'DATE' || raw.toUpperCase() === 'DATE-TIME')) written.push(`VALUE=${raw.toUpperCase()}`);
    else if (key === 'TZID' && ZONE_NAME.test(raw)) written.push(`TZID=${raw}`);
    else return undefined;
  }
  const values = value.split(',').map((v) => v.trim().toUpperCase());
  if (values.length === 0 || values.length > 1000 || !values.every((v) => DATE_OR_DATE_TIME.test(v))) return undefined;
  return `${[name, ...written].join(';')}:${values.join(',')}`;
}

/** One recurrence line written anew from its parsed parts, or undefined when it is not a valid RRULE, EXDATE or RDATE. */
export function recurrenceProperty(line: string): string | undefined {
  // No control character anywhere (CR, LF, NUL, …; RFC 5545 §3.1 allows none in a value here), nor
  // any other line separator (U+0085, U+2028, U+2029).
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line) || line.length > 4000) return undefined;
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  const [rawName = '', ...params] = line.slice(0, colon).split(';');
  const name = rawName.trim().toUpperCase();
  const value = line.slice(colon + 1).trim();
  if (name === 'RRULE') return params.length === 0 ? rrule(value) : undefined;
  if (name === 'EXDATE' || name === 'RDATE') return dateList(name, params.map((p) => p.trim()), value);
  return undefined;
}
