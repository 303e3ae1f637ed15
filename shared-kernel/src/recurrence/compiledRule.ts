import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, dateFromDay, weekdayOf } from './calendar';
import { RecurrenceError } from './recurrenceError';
import { WEEKDAYS, checkCombinations, type RRule } from './rrule';
import { signedMask } from './dayMatching';
import { CYCLE_DAYS } from './periodWalk';

/** DTSTART as plain numbers: its day and, for timed series, milliseconds into that day. */
export interface RuleStart {
  day: number;
  timeOfDay: number;
  allDay: boolean;
}

/** A BYDAY entry with an ordinal: the nth `weekday` (0 = Monday) of the month or year, negative from its end. */
export interface Ordinal {
  weekday: number;
  ordinal: number;
}

/**
 * An RRULE compiled against its DTSTART into lookup tables (`mask`, `signedMask`), so a walk tests a
 * day or an hour with an array read. A table is null when the rule leaves its part out (no limit).
 */
export interface CompiledRule {
  readonly freq: RRule['freq'];
  readonly interval: number;
  /** COUNT, or Infinity. */
  readonly count: number;
  readonly startWall: number;
  readonly startDay: number;
  /** 0 = Monday. */
  readonly wkst: number;
  readonly months: Uint8Array | null;
  readonly weekNos: Uint8Array | null;
  readonly yearDays: Uint8Array | null;
  readonly monthDays: Uint8Array | null;
  /** BYDAY's weekdays without ordinals; present (maybe all zero) whenever BYDAY is, since ordinals limit too. */
  readonly weekdays: Uint8Array | null;
  readonly ordinals: readonly Ordinal[];
  /** Whether BYDAY ordinals count within the month (else within the year). */
  readonly ordinalsInMonth: boolean;
  /** BYHOUR and BYMINUTE as limits, for HOURLY and MINUTELY (finer parts than the period expand instead). */
  readonly hours: Uint8Array | null;
  readonly minutes: Uint8Array | null;
  /** Offsets of the instances inside one period: within a day (YEARLY…DAILY), hour or minute; sorted. */
  readonly times: readonly number[];
  readonly setPos: readonly number[];
  /**
   * No instance in this much wall time means none ever: the calendar and the INTERVAL alignment
   * together repeat within 400 × INTERVAL years whatever the frequency.
   */
  readonly emptySpan: number;
}

/** Compiles `rule` for a series starting at `start`; throws RecurrenceError for combinations RFC 5545 rules out. */
export function compileRule(rule: RRule, start: RuleStart): CompiledRule {
  checkCombinations(rule);
  if (start.allDay && (rule.freq === 'HOURLY' || rule.freq === 'MINUTELY')) {
    throw new RecurrenceError('FREQ', `FREQ=${rule.freq} needs a DTSTART with a time of day`);
  }
  const startDate = dateFromDay(start.day);
  let byMonth = rule.byMonth;
  let byMonthDay = rule.byMonthDay;
  let byDay = rule.byDay.map((d) => ({ weekday: WEEKDAYS.indexOf(d.weekday), ordinal: d.ordinal ?? 0 }));
  // RFC 5545 §3.3.10: parts the rule leaves out are taken from DTSTART.
  if (rule.byWeekNo.length === 0 && rule.byYearDay.length === 0 && byMonthDay.length === 0 && byDay.length === 0) {
    if (rule.freq === 'YEARLY') {
      if (byMonth.length === 0) byMonth = [startDate.month];
      byMonthDay = [startDate.day];
    } else if (rule.freq === 'MONTHLY') {
      byMonthDay = [startDate.day];
    } else if (rule.freq === 'WEEKLY') {
      byDay = [{ weekday: weekdayOf(start.day), ordinal: 0 }];
    }
  }
  const weekdays = byDay.length > 0 ? new Uint8Array(7) : null;
  for (const { weekday, ordinal } of byDay) if (ordinal === 0 && weekdays !== null) weekdays[weekday] = 1;

  const startWall = start.day * MS_PER_DAY + start.timeOfDay;
  return {
    freq: rule.freq,
    interval: rule.interval,
    count: rule.count ?? Infinity,
    startWall,
    startDay: Math.floor(startWall / MS_PER_DAY),
    wkst: WEEKDAYS.indexOf(rule.wkst),
    months: mask(13, byMonth),
    weekNos: signedMask(53, rule.byWeekNo),
    yearDays: signedMask(366, rule.byYearDay),
    monthDays: signedMask(31, byMonthDay),
    weekdays,
    ordinals: byDay.filter((d) => d.ordinal !== 0),
    // RFC 5545 §3.3.10: a BYDAY ordinal counts within the month for MONTHLY, and for YEARLY with BYMONTH.
    ordinalsInMonth: rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && byMonth.length > 0),
    ...timeTables(rule, start),
    setPos: rule.bySetPos,
    emptySpan: CYCLE_DAYS * rule.interval * MS_PER_DAY,
  };
}

/** The hour and minute limits and the instance offsets within a period, from BYHOUR/BYMINUTE/BYSECOND or DTSTART. */
function timeTables(rule: RRule, start: RuleStart): Pick<CompiledRule, 'hours' | 'minutes' | 'times'> {
  // RFC 5545 §3.3.10: BYHOUR/BYMINUTE/BYSECOND are ignored when DTSTART is a DATE.
  const timeParts = start.allDay ? { byHour: [], byMinute: [], bySecond: [] } : rule;
  const startSecond = Math.floor(start.timeOfDay / 1000) % 60;
  const startMinute = Math.floor(start.timeOfDay / MS_PER_MINUTE) % 60;
  const startHour = Math.floor(start.timeOfDay / MS_PER_HOUR);
  // Second 60 never shows on a zone's clock, so such instances are skipped like invalid dates.
  const seconds = (timeParts.bySecond.length > 0 ? timeParts.bySecond : [startSecond]).filter((s) => s < 60);
  const minutes = timeParts.byMinute.length > 0 ? timeParts.byMinute : [startMinute];
  const hours = timeParts.byHour.length > 0 ? timeParts.byHour : [startHour];
  if (rule.freq === 'MINUTELY') {
    return { hours: mask(24, timeParts.byHour), minutes: mask(60, timeParts.byMinute), times: seconds.map((s) => s * 1000) };
  }
  if (rule.freq === 'HOURLY') {
    return { hours: mask(24, timeParts.byHour), minutes: null, times: product([minutes, seconds], [MS_PER_MINUTE, 1000]) };
  }
  return { hours: null, minutes: null, times: product([hours, minutes, seconds], [MS_PER_HOUR, MS_PER_MINUTE, 1000]) };
}

/** A lookup table of a rule part's values (index = value), or null when the rule leaves the part out. */
function mask(size: number, values: readonly number[]): Uint8Array | null {
  if (values.length === 0) return null;
  const table = new Uint8Array(size);
  for (const value of values) table[value] = 1;
  return table;
}

/** Every sum of one value per list times its unit, sorted. */
function product(lists: readonly (readonly number[])[], units: readonly number[]): number[] {
  let result = [0];
  lists.forEach((list, i) => {
    const unit = units[i] ?? 0;
    result = result.flatMap((base) => list.map((value) => base + value * unit));
  });
  return result.sort((a, b) => a - b);
}
