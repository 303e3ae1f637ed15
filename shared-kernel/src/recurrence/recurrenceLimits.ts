import { DOMAIN_END_DATE, DOMAIN_START_DATE, isInstantInDomain } from '../time/validDomain';
import { RecurrenceError, type RecurrencePart } from './recurrenceError';
import type { RRule } from './rrule';

// What a written recurrence may ask for, so that expanding any accepted series has a known cost. RFC 5545
// puts no bound on COUNT or on the BYxxx lists; every implementation that serves untrusted input picks
// some (Google Calendar refuses series of more than a few hundred to a few thousand instances).

/**
 * The largest COUNT: 27 years of a daily series, 192 years of a weekly one. Finding where a COUNT series
 * ends means walking it from DTSTART, so this bounds that walk.
 */
export const MAX_COUNT = 10_000;
/** The most instances one period of the rule's FREQ (a year, month, week, day, hour or minute) may have. */
export const MAX_INSTANCES_PER_PERIOD = 1_000;
/** The most instances one day may have: one a minute, what FREQ=MINUTELY gives. */
export const MAX_INSTANCES_PER_DAY = 1_440;

export interface RecurrenceParseOptions {
  /**
   * Default true: refuse what the limits here forbid (a client's input). False for lines read back from
   * storage, written before the limits existed: those stay readable, and the expansion budget bounds
   * what reading them costs.
   */
  enforceLimits?: boolean;
}

export const enforcesLimits = (options: RecurrenceParseOptions | undefined): boolean => options?.enforceLimits !== false;

const DOMAIN_TEXT = `must be between ${DOMAIN_START_DATE} and ${DOMAIN_END_DATE}`;

/** Refuses a date outside the valid domain (see time/validDomain.ts); `epochMs` is the instant, or a date's 00:00 UTC. */
export function requireInDomain(part: RecurrencePart, epochMs: number, text: string): void {
  if (!isInstantInDomain(epochMs)) throw new RecurrenceError(part, `${text} ${DOMAIN_TEXT}`);
}

/** Refuses COUNT above MAX_COUNT and BYxxx combinations giving more than the instances per period or per day allowed. */
export function checkRuleLimits(rule: RRule): void {
  if (rule.count !== undefined && rule.count > MAX_COUNT) {
    throw new RecurrenceError('COUNT', `${rule.count} is more than the ${MAX_COUNT} instances a series may have; use UNTIL or no end instead`);
  }
  const { perPeriod, perDay } = instancesAtMost(rule);
  if (perPeriod > MAX_INSTANCES_PER_PERIOD) {
    throw new RecurrenceError(largestList(rule), `the rule gives up to ${perPeriod} instances per ${PERIOD_NAMES[rule.freq]}; at most ${MAX_INSTANCES_PER_PERIOD} are allowed`);
  }
  if (perDay > MAX_INSTANCES_PER_DAY) {
    throw new RecurrenceError(largestList(rule), `the rule gives up to ${perDay} instances a day; at most ${MAX_INSTANCES_PER_DAY} (one a minute) are allowed`);
  }
}

const PERIOD_NAMES: Record<RRule['freq'], string> = { YEARLY: 'year', MONTHLY: 'month', WEEKLY: 'week', DAILY: 'day', HOURLY: 'hour', MINUTELY: 'minute' };

/**
 * Upper bounds on the instances one FREQ period and one day can hold, from the list sizes alone
 * (RFC 5545 §3.3.10: BYxxx parts finer than FREQ expand, coarser ones limit, BYSETPOS picks).
 */
export function instancesAtMost(rule: RRule): { perPeriod: number; perDay: number } {
  const hours = rule.byHour.length || 1;
  const minutes = rule.byMinute.length || 1;
  const seconds = rule.bySecond.length || 1;
  const picked = (candidates: number) => (rule.bySetPos.length > 0 ? Math.min(candidates, rule.bySetPos.length) : candidates);
  if (rule.freq === 'MINUTELY') {
    const perPeriod = picked(seconds);
    const minutesADay = Math.min((rule.byHour.length || 24) * (rule.byMinute.length || 60), Math.ceil(1440 / rule.interval));
    return { perPeriod, perDay: minutesADay * perPeriod };
  }
  if (rule.freq === 'HOURLY') {
    const perPeriod = picked(minutes * seconds);
    const hoursADay = Math.min(rule.byHour.length || 24, Math.ceil(24 / rule.interval));
    return { perPeriod, perDay: hoursADay * perPeriod };
  }
  const perDay = hours * minutes * seconds;
  const perPeriod = picked(daysPerPeriodAtMost(rule) * perDay);
  return { perPeriod, perDay: Math.min(perDay, perPeriod) };
}

function daysPerPeriodAtMost(rule: RRule): number {
  const plainWeekdays = rule.byDay.filter((d) => d.ordinal === undefined).length;
  const ordinals = rule.byDay.length - plainWeekdays;
  switch (rule.freq) {
    case 'DAILY':
      return 1;
    case 'WEEKLY':
      return rule.byDay.length || 1;
    case 'MONTHLY': {
      let days = 31;
      if (rule.byMonthDay.length > 0) days = Math.min(days, rule.byMonthDay.length);
      if (rule.byDay.length > 0) days = Math.min(days, plainWeekdays * 5 + ordinals);
      return rule.byMonthDay.length + rule.byDay.length > 0 ? days : 1;
    }
    default: {
      const months = rule.byMonth.length || 12;
      const monthly = rule.byMonth.length > 0;
      let days = 366;
      if (rule.byYearDay.length > 0) days = Math.min(days, rule.byYearDay.length);
      if (rule.byMonthDay.length > 0) days = Math.min(days, rule.byMonthDay.length * months);
      if (rule.byWeekNo.length > 0) days = Math.min(days, rule.byWeekNo.length * 7);
      if (rule.byDay.length > 0) days = Math.min(days, monthly ? (plainWeekdays * 5 + ordinals) * months : plainWeekdays * 53 + ordinals);
      const dayParts = rule.byYearDay.length + rule.byMonthDay.length + rule.byWeekNo.length + rule.byDay.length;
      // Without day parts a YEARLY rule takes DTSTART's day, in each BYMONTH month.
      return dayParts > 0 ? days : monthly ? months : 1;
    }
  }
}

/** The BYxxx part with the longest list, the finest on a tie: the one to shorten. */
function largestList(rule: RRule): RecurrencePart {
  const lists: [RecurrencePart, number][] = [
    ['BYSECOND', rule.bySecond.length],
    ['BYMINUTE', rule.byMinute.length],
    ['BYHOUR', rule.byHour.length],
    ['BYDAY', rule.byDay.length],
    ['BYMONTHDAY', rule.byMonthDay.length],
    ['BYYEARDAY', rule.byYearDay.length],
    ['BYWEEKNO', rule.byWeekNo.length],
    ['BYMONTH', rule.byMonth.length],
  ];
  let best: [RecurrencePart, number] = ['FREQ', 0];
  for (const entry of lists) if (entry[1] > best[1]) best = entry;
  return best[0];
}
