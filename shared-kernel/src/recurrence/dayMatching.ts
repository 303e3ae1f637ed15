import { dateFromDay, dayFromDate, daysInMonth, daysInYear, weekdayOf } from './calendar';
import type { CompiledRule } from './compiledRule';

// The BYxxx day parts (RFC 5545 §3.3.10) applied to one period: which of its days the rule keeps.
// Each `…DaysMatching` fills `into` (emptied first) with the kept days in order, and returns it.
// The walk calls these once per period or day: everything they call per day stays in this file,
// since a call into another module costs a property getter under tsx's CommonJS output.

/**
 * The lookup table of a part whose values may count from the end (BYMONTHDAY, BYYEARDAY, BYWEEKNO, at
 * most ±`max`), or null when the rule leaves the part out: index v holds +v, index max + v holds -v, so
 * `signedHit` needs no branches on sign.
 */
export function signedMask(max: number, values: readonly number[]): Uint8Array | null {
  if (values.length === 0) return null;
  const table = new Uint8Array(2 * max + 1);
  for (const value of values) table[value > 0 ? value : max - value] = 1;
  return table;
}

/** Whether `position` (1-based, in something `length` long) is in a `signedMask` table, from its start or its end. */
function signedHit(table: Uint8Array, position: number, length: number): boolean {
  const max = (table.length - 1) / 2;
  return table[position] === 1 || table[max + length - position + 1] === 1;
}

/** The days of `year` a YEARLY rule keeps: BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY. */
export function yearDaysMatching(rule: CompiledRule, year: number, into: number[]): number[] {
  into.length = 0;
  const yearLength = daysInYear(year);
  const weeks = rule.weekNos === null ? null : weekNumbering(year, rule.wkst);
  let day = dayFromDate(year, 1, 1);
  let yearDay = 1;
  for (let month = 1; month <= 12; month++) {
    const length = daysInMonth(year, month);
    if (rule.months !== null && rule.months[month] !== 1) {
      day += length;
      yearDay += length;
      continue;
    }
    for (let monthDay = 1; monthDay <= length; monthDay++, day++, yearDay++) {
      if (weeks !== null && !weekMatches(rule, day, weeks)) continue;
      if (dayMatches(rule, day, monthDay, length, yearDay, yearLength)) into.push(day);
    }
  }
  return into;
}

/** The days of a month (starting on day number `firstDay`) a MONTHLY rule keeps: BYMONTH, BYMONTHDAY and BYDAY. */
export function monthDaysMatching(rule: CompiledRule, year: number, month: number, firstDay: number, into: number[]): number[] {
  into.length = 0;
  if (rule.months !== null && rule.months[month] !== 1) return into;
  const length = daysInMonth(year, month);
  for (let monthDay = 1; monthDay <= length; monthDay++) {
    const day = firstDay + monthDay - 1;
    if (dayMatches(rule, day, monthDay, length, 0, 0)) into.push(day);
  }
  return into;
}

/**
 * The days of the week starting on day number `weekStart` (a WKST) a WEEKLY rule keeps: BYDAY and
 * BYMONTH, none after `lastDay` (the walk's horizon).
 */
export function weekDaysMatching(rule: CompiledRule, weekStart: number, lastDay: number, into: number[]): number[] {
  into.length = 0;
  for (let offset = 0; offset < 7; offset++) {
    const day = weekStart + offset;
    if (rule.weekdays !== null && rule.weekdays[(rule.wkst + offset) % 7] !== 1) continue;
    if (rule.months !== null && rule.months[dateFromDay(day).month] !== 1) continue;
    if (day <= lastDay) into.push(day);
  }
  return into;
}

/** Day-level limits for DAILY and finer, where BYDAY has no ordinals and BYWEEKNO is not allowed. */
export function dayMatchesAlone(rule: CompiledRule, day: number): boolean {
  if (rule.months === null && rule.monthDays === null && rule.yearDays === null && rule.weekdays === null) return true;
  if (rule.weekdays !== null && rule.weekdays[weekdayOf(day)] !== 1) return false;
  const { year, month, day: monthDay } = dateFromDay(day);
  if (rule.months !== null && rule.months[month] !== 1) return false;
  const yearDay = rule.yearDays === null ? 0 : day - dayFromDate(year, 1, 1) + 1;
  return dayMatches(rule, day, monthDay, daysInMonth(year, month), yearDay, daysInYear(year));
}

/** BYYEARDAY, BYMONTHDAY and BYDAY checks; `yearDay` is only read for BYYEARDAY and YEARLY ordinals. */
function dayMatches(rule: CompiledRule, day: number, monthDay: number, monthLength: number, yearDay: number, yearLength: number): boolean {
  if (rule.yearDays !== null && !signedHit(rule.yearDays, yearDay, yearLength)) return false;
  if (rule.monthDays !== null && !signedHit(rule.monthDays, monthDay, monthLength)) return false;
  if (rule.weekdays === null) return true;
  const weekday = weekdayOf(day);
  if (rule.weekdays[weekday] === 1) return true;
  for (const { weekday: wanted, ordinal } of rule.ordinals) {
    if (wanted !== weekday) continue;
    // RFC 5545 §3.3.10: nth weekday of the month or year; negative counts from its end.
    const position = rule.ordinalsInMonth ? monthDay : yearDay;
    const length = rule.ordinalsInMonth ? monthLength : yearLength;
    const nth = ordinal > 0 ? Math.floor((position - 1) / 7) + 1 : -(Math.floor((length - position) / 7) + 1);
    if (nth === ordinal) return true;
  }
  return false;
}

// RFC 5545 §3.3.10 BYWEEKNO: weeks start on WKST and week 1 is the first with at least four days in
// the year, so a day can belong to the last week of the previous year or week 1 of the next.
function weekMatches(rule: CompiledRule, day: number, weeks: WeekNumbering): boolean {
  const table = rule.weekNos;
  if (table === null) return true;
  let week: number;
  let weeksInItsYear: number;
  if (day < weeks.firstWeekStart) {
    week = weeks.weeksInPreviousYear;
    weeksInItsYear = weeks.weeksInPreviousYear;
  } else {
    week = Math.floor((day - weeks.firstWeekStart) / 7) + 1;
    weeksInItsYear = weeks.weeksInYear;
    if (week > weeks.weeksInYear) {
      week = 1;
      weeksInItsYear = weeks.weeksInNextYear;
    }
  }
  return signedHit(table, week, weeksInItsYear);
}

/** A year's weeks: where its week 1 starts, and how many weeks it and its neighbours have. */
interface WeekNumbering {
  firstWeekStart: number;
  weeksInPreviousYear: number;
  weeksInYear: number;
  weeksInNextYear: number;
}

function weekNumbering(year: number, wkst: number): WeekNumbering {
  const starts = [year - 1, year, year + 1, year + 2].map((y) => firstWeekStart(y, wkst));
  const [previous = 0, current = 0, next = 0, afterNext = 0] = starts;
  return {
    firstWeekStart: current,
    weeksInPreviousYear: (current - previous) / 7,
    weeksInYear: (next - current) / 7,
    weeksInNextYear: (afterNext - next) / 7,
  };
}

function firstWeekStart(year: number, wkst: number): number {
  const januaryFirst = dayFromDate(year, 1, 1);
  const intoWeek = (weekdayOf(januaryFirst) - wkst + 7) % 7;
  return intoWeek <= 3 ? januaryFirst - intoWeek : januaryFirst - intoWeek + 7;
}
