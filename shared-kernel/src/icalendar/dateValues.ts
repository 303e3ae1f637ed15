import { formatWallTime, parseBasic, type ParsedLocal } from '../recurrence/calendar';

/**
 * RFC 5545 §3.3.4 DATE ("19970714") and §3.3.5 DATE-TIME ("19970714T133000", "19970714T173000Z") as the
 * recurrence engine reads them: a day number, a wall time (ms on the local clock) or a UTC instant.
 */
export function readDateOrDateTime(text: string): ParsedLocal | null {
  return parseBasic(text.trim());
}

/** RFC 5545 §3.3.6 DURATION: nominal weeks and days, exact hours, minutes and seconds. */
export interface DurationValue {
  sign: 1 | -1;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Reads dur-value: [+/-] "P" (dur-date / dur-time / dur-week). Null for anything else. */
export function readDuration(text: string): DurationValue | null {
  const value = text.trim().toUpperCase();
  let i = 0;
  let sign: 1 | -1 = 1;
  if (value[i] === '+' || value[i] === '-') sign = value[i++] === '-' ? -1 : 1;
  if (value[i++] !== 'P') return null;
  const result: DurationValue = { sign, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  let inTime = false;
  let parts = 0;
  // Units in the order the grammar allows them; each at most once.
  const order = ['W', 'D', 'T', 'H', 'M', 'S'];
  let lastUnit = -1;
  while (i < value.length) {
    if (value[i] === 'T') {
      if (inTime || lastUnit >= 2) return null;
      inTime = true;
      lastUnit = 2;
      i++;
      continue;
    }
    const start = i;
    while (i < value.length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) return null;
    const amount = Number(value.slice(start, i));
    const unit = value[i++];
    const index = unit === undefined ? -1 : order.indexOf(unit);
    if (index <= lastUnit || index < 0 || index === 2) return null;
    if (inTime !== index > 2) return null;
    if (unit === 'W') result.weeks = amount;
    else if (unit === 'D') result.days = amount;
    else if (unit === 'H') result.hours = amount;
    else if (unit === 'M') result.minutes = amount;
    else result.seconds = amount;
    lastUnit = index;
    parts++;
  }
  return parts > 0 ? result : null;
}

/** The length of a duration in ms, days counted as 24 hours (exact for UTC and for alarms). */
export function durationMs(duration: DurationValue): number {
  const seconds = ((duration.weeks * 7 + duration.days) * 24 + duration.hours) * 3600 + duration.minutes * 60 + duration.seconds;
  return duration.sign * seconds * 1000;
}

/** "YYYY-MM-DD" → RFC 5545 DATE "YYYYMMDD". */
export function basicDate(date: string): string {
  return date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** An instant → RFC 5545 §3.3.5 form #2, "YYYYMMDDTHHMMSSZ" (whole seconds). */
export function utcDateTime(instant: number | string | Date): string {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime();
  return `${basicLocal(formatWallTime(ms))}Z`;
}

/** A wall time "YYYY-MM-DDTHH:mm:ss" → RFC 5545 §3.3.5 form #1/#3, "YYYYMMDDTHHMMSS". */
export function basicLocal(wall: string): string {
  return `${wall.slice(0, 4)}${wall.slice(5, 7)}${wall.slice(8, 10)}T${wall.slice(11, 13)}${wall.slice(14, 16)}${wall.slice(17, 19)}`;
}

/** Minutes as an RFC 5545 §3.3.6 duration, in the largest exact unit: 10 → PT10M, 90 → PT1H30M, 1440 → P1D, 10080 → P1W. */
export function durationOfMinutes(minutes: number): string {
  if (minutes === 0) return 'PT0M';
  if (minutes % 10_080 === 0) return `P${minutes / 10_080}W`;
  if (minutes % 1_440 === 0) return `P${minutes / 1_440}D`;
  const days = Math.floor(minutes / 1_440);
  const hours = Math.floor((minutes % 1_440) / 60);
  const rest = minutes % 60;
  return `P${days > 0 ? `${days}D` : ''}T${hours > 0 ? `${hours}H` : ''}${rest > 0 ? `${rest}M` : ''}`;
}
