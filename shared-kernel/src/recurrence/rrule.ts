import { MS_PER_DAY, formatDate, formatWallTime, parseBasic } from './calendar';
import { RecurrenceError, type RecurrencePart } from './recurrenceError';
import { checkRuleLimits, enforcesLimits, type RecurrenceParseOptions, requireInDomain } from './recurrenceLimits';

export type Frequency = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY';

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/** Monday first, so a weekday's index is its ISO weekday minus one. */
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** A BYDAY entry: every such weekday, or with `ordinal` only the nth (negative: from the end). */
export interface WeekdayNum {
  weekday: Weekday;
  ordinal?: number;
}

/** RFC 5545 §3.3.10 UNTIL: a DATE, a UTC DATE-TIME, or a floating (local) DATE-TIME. */
export type Until =
  | { kind: 'date'; date: string }
  | { kind: 'utc'; epochMs: number }
  | { kind: 'local'; dateTime: string };

/** A parsed RRULE value. Absent BYxxx parts are empty lists. */
export interface RRule {
  freq: Frequency;
  interval: number;
  count?: number;
  until?: Until;
  bySecond: readonly number[];
  byMinute: readonly number[];
  byHour: readonly number[];
  byDay: readonly WeekdayNum[];
  byMonthDay: readonly number[];
  byYearDay: readonly number[];
  byWeekNo: readonly number[];
  byMonth: readonly number[];
  bySetPos: readonly number[];
  wkst: Weekday;
}

const FREQUENCIES: readonly string[] = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY'];

type NumberListPart = 'BYSECOND' | 'BYMINUTE' | 'BYHOUR' | 'BYMONTHDAY' | 'BYYEARDAY' | 'BYWEEKNO' | 'BYMONTH' | 'BYSETPOS';

// RFC 5545 §3.3.10 value ranges; `signed` parts also take -max…-min.
const NUMBER_LISTS: Record<NumberListPart, { min: number; max: number; signed: boolean }> = {
  BYSECOND: { min: 0, max: 60, signed: false },
  BYMINUTE: { min: 0, max: 59, signed: false },
  BYHOUR: { min: 0, max: 23, signed: false },
  BYMONTHDAY: { min: 1, max: 31, signed: true },
  BYYEARDAY: { min: 1, max: 366, signed: true },
  BYWEEKNO: { min: 1, max: 53, signed: true },
  BYMONTH: { min: 1, max: 12, signed: false },
  BYSETPOS: { min: 1, max: 366, signed: true },
};

const KNOWN_PARTS: ReadonlySet<string> = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'WKST', ...Object.keys(NUMBER_LISTS)]);

const INTEGER = /^[+-]?\d{1,9}$/;
const BYDAY_ENTRY = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/**
 * Parses an RRULE value such as "FREQ=WEEKLY;BYDAY=MO,WE" (RFC 5545 §3.3.10), without "RRULE:", and
 * (unless `options.enforceLimits` is false) refuses what recurrenceLimits.ts forbids.
 */
export function parseRRule(value: string, options?: RecurrenceParseOptions): RRule {
  const parts = new Map<string, string>();
  for (const item of value.trim().toUpperCase().split(';')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new RecurrenceError('RRULE', `"${item}" is not NAME=VALUE`);
    const name = item.slice(0, eq);
    if (!KNOWN_PARTS.has(name)) throw new RecurrenceError('RRULE', `unknown rule part ${name}`);
    const part = name as RecurrencePart;
    if (parts.has(name)) throw new RecurrenceError(part, 'given more than once');
    const text = item.slice(eq + 1);
    if (text === '') throw new RecurrenceError(part, 'has no value');
    parts.set(name, text);
  }

  const freq = parts.get('FREQ');
  if (freq === undefined) throw new RecurrenceError('FREQ', 'is required');
  if (freq === 'SECONDLY') throw new RecurrenceError('FREQ', 'SECONDLY is not supported');
  if (!FREQUENCIES.includes(freq)) throw new RecurrenceError('FREQ', `unknown frequency ${freq}`);

  const countText = parts.get('COUNT');
  const untilText = parts.get('UNTIL');
  if (countText !== undefined && untilText !== undefined) {
    throw new RecurrenceError('COUNT', 'COUNT and UNTIL must not both be given');
  }
  const wkst = parts.get('WKST') ?? 'MO';
  if (!isWeekday(wkst)) throw new RecurrenceError('WKST', `"${wkst}" is not a weekday`);

  const rule: RRule = {
    freq: freq as Frequency,
    interval: positive('INTERVAL', parts.get('INTERVAL') ?? '1'),
    bySecond: numberList('BYSECOND', parts.get('BYSECOND')),
    byMinute: numberList('BYMINUTE', parts.get('BYMINUTE')),
    byHour: numberList('BYHOUR', parts.get('BYHOUR')),
    byDay: weekdayList(parts.get('BYDAY')),
    byMonthDay: numberList('BYMONTHDAY', parts.get('BYMONTHDAY')),
    byYearDay: numberList('BYYEARDAY', parts.get('BYYEARDAY')),
    byWeekNo: numberList('BYWEEKNO', parts.get('BYWEEKNO')),
    byMonth: numberList('BYMONTH', parts.get('BYMONTH')),
    bySetPos: numberList('BYSETPOS', parts.get('BYSETPOS')),
    wkst,
  };
  if (countText !== undefined) rule.count = positive('COUNT', countText);
  if (untilText !== undefined) rule.until = parseUntil(untilText);
  checkCombinations(rule);
  if (enforcesLimits(options)) {
    checkRuleLimits(rule);
    if (untilText !== undefined) requireInDomain('UNTIL', utcReading(untilText), untilText);
  }
  return rule;
}

/** RFC 5545 §3.3.10's MUST NOTs on which BYxxx parts go with which FREQ; throws a RecurrenceError. */
export function checkCombinations(rule: RRule): void {
  const { freq } = rule;
  if (rule.byWeekNo.length > 0 && freq !== 'YEARLY') {
    throw new RecurrenceError('BYWEEKNO', 'is only allowed with FREQ=YEARLY');
  }
  if (rule.byYearDay.length > 0 && (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY')) {
    throw new RecurrenceError('BYYEARDAY', `is not allowed with FREQ=${freq}`);
  }
  if (rule.byMonthDay.length > 0 && freq === 'WEEKLY') {
    throw new RecurrenceError('BYMONTHDAY', 'is not allowed with FREQ=WEEKLY');
  }
  if (rule.byDay.some((d) => d.ordinal !== undefined)) {
    if (freq !== 'MONTHLY' && freq !== 'YEARLY') {
      throw new RecurrenceError('BYDAY', `ordinals are only allowed with FREQ=MONTHLY or YEARLY, not ${freq}`);
    }
    if (freq === 'YEARLY' && rule.byWeekNo.length > 0) {
      throw new RecurrenceError('BYDAY', 'ordinals are not allowed together with BYWEEKNO');
    }
  }
  const hasOtherBy =
    rule.bySecond.length + rule.byMinute.length + rule.byHour.length + rule.byDay.length + rule.byMonthDay.length +
      rule.byYearDay.length + rule.byWeekNo.length + rule.byMonth.length > 0;
  if (rule.bySetPos.length > 0 && !hasOtherBy) {
    throw new RecurrenceError('BYSETPOS', 'needs another BYxxx rule part');
  }
}

function isWeekday(text: string): text is Weekday {
  return (WEEKDAYS as readonly string[]).includes(text);
}

function positive(part: 'INTERVAL' | 'COUNT', text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new RecurrenceError(part, `"${text}" is not a positive integer`);
  return Number(text);
}

function numberList(part: NumberListPart, text: string | undefined): number[] {
  if (text === undefined) return [];
  const { min, max, signed } = NUMBER_LISTS[part];
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (!INTEGER.test(item)) throw new RecurrenceError(part, `"${item}" is not an integer`);
    const value = Number(item);
    const magnitude = signed || !item.startsWith('-') ? Math.abs(value) : -1;
    if (magnitude < min || magnitude > max) {
      throw new RecurrenceError(part, `${item} is out of range (${signed ? '±' : ''}${min}…${signed ? '±' : ''}${max})`);
    }
    values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function weekdayList(text: string | undefined): WeekdayNum[] {
  if (text === undefined) return [];
  const seen = new Set<string>();
  const days: WeekdayNum[] = [];
  for (const item of text.split(',')) {
    const match = BYDAY_ENTRY.exec(item);
    const weekday = match?.[2];
    if (match === null || weekday === undefined || !isWeekday(weekday)) {
      throw new RecurrenceError('BYDAY', `"${item}" is not a weekday such as MO, 2TU or -1FR`);
    }
    const ordinalText = match[1];
    const entry: WeekdayNum = { weekday };
    if (ordinalText !== undefined) {
      const ordinal = Number(ordinalText);
      if (ordinal === 0 || Math.abs(ordinal) > 53) throw new RecurrenceError('BYDAY', `ordinal in ${item} is out of range (±1…±53)`);
      entry.ordinal = ordinal;
    }
    const key = `${entry.ordinal ?? ''}${weekday}`;
    if (!seen.has(key)) {
      seen.add(key);
      days.push(entry);
    }
  }
  return days;
}

// A DATE or floating UNTIL is read on the UTC clock: the rule alone has no zone, and a zone moves it by
// hours, which matters at the domain's edges only to values no series needs.
function utcReading(text: string): number {
  const value = parseBasic(text);
  if (value === null) return NaN;
  return value.kind === 'date' ? value.day * MS_PER_DAY : value.kind === 'local' ? value.wall : value.epochMs;
}

function parseUntil(text: string): Until {
  const value = parseBasic(text);
  if (value === null) throw new RecurrenceError('UNTIL', `"${text}" is not a valid DATE or DATE-TIME`);
  if (value.kind === 'date') return { kind: 'date', date: formatDate(value.day) };
  if (value.kind === 'utc') return { kind: 'utc', epochMs: value.epochMs };
  return { kind: 'local', dateTime: formatWallTime(value.wall) };
}
