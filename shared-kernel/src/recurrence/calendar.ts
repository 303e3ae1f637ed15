// Proleptic Gregorian arithmetic on plain numbers: a day is its count of days since 1970-01-01, a wall
// time is milliseconds since 1970-01-01T00:00 on the local clock (the UTC formulas, read as local).

export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;

/** ISO weekday numbering, Monday = 0 … Sunday = 6, the order of RFC 5545 §3.3.10's weekday list. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

// Howard Hinnant's days_from_civil, exact for every proleptic Gregorian date.
export function dayFromDate(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function dateFromDay(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** "YYYY-MM-DD" for a day; years 0001–9999 only, as RFC 5545 DATE allows. */
export function formatDate(dayNumber: number): string {
  const { year, month, day } = dateFromDay(dayNumber);
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

/** "YYYY-MM-DDTHH:mm:ss" for a wall time (whole seconds). */
export function formatWallTime(wall: number): string {
  const day = Math.floor(wall / MS_PER_DAY);
  const seconds = Math.floor((wall - day * MS_PER_DAY) / 1000);
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor(seconds / 60) % 60;
  return `${formatDate(day)}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[seconds % 60]}`;
}

export type ParsedLocal = { kind: 'date'; day: number } | { kind: 'local'; wall: number } | { kind: 'utc'; epochMs: number };

const LOCAL_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z?))?$/;
const BASIC_FORMAT = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;

/**
 * Reads the series' value formats: "YYYY-MM-DD", "YYYY-MM-DDTHH:mm:ss" (wall time in the series' zone)
 * or the same with "Z" (an instant). Returns null for anything else, including impossible dates.
 */
export function parseLocal(text: string): ParsedLocal | null {
  return fromMatch(LOCAL_FORMAT.exec(text));
}

/** Reads RFC 5545 §3.3.4/§3.3.5 DATE and DATE-TIME values: "19970714", "19970714T133000", "19970714T173000Z". */
export function parseBasic(text: string): ParsedLocal | null {
  return fromMatch(BASIC_FORMAT.exec(text));
}

function fromMatch(match: RegExpExecArray | null): ParsedLocal | null {
  if (!match) return null;
  const [, y, mo, d, h, mi, s, z] = match;
  const day = dateNumber(Number(y), Number(mo), Number(d));
  if (day === null) return null;
  if (h === undefined) return { kind: 'date', day };
  const time = timeOfDay(Number(h), Number(mi), Number(s));
  if (time === null) return null;
  const wall = day * MS_PER_DAY + time;
  return z ? { kind: 'utc', epochMs: wall } : { kind: 'local', wall };
}

/** The day number of a valid date with a year in 0001–9999, or null. */
export function dateNumber(year: number, month: number, day: number): number | null {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayFromDate(year, month, day);
}

/** Milliseconds into the day of a valid wall-clock time, or null (second 60 never shows on a zone's clock). */
export function timeOfDay(hour: number, minute: number, second: number): number | null {
  if (hour > 23 || minute > 59 || second > 59) return null;
  return hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
}
