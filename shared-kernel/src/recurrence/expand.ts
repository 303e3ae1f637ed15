import { MS_PER_DAY, formatDate, formatWallTime, parseLocal, type ParsedLocal } from './calendar';
import { RecurrenceError } from './recurrenceError';
import type { RRule } from './rrule';
import { RuleExpansion } from './ruleExpansion';
import { ZoneClock } from './zoneClock';

export interface RecurrenceSeries {
  /** IANA zone the rule is expanded in. */
  timeZone: string;
  /** Local wall time "YYYY-MM-DDTHH:mm:ss" in `timeZone`, or "YYYY-MM-DD" for an all-day series. */
  dtstart: string;
  rrule?: RRule;
  /**
   * Same format as `dtstart`; "YYYY-MM-DDTHH:mm:ssZ" names an instant. For a timed series a date adds
   * that date at DTSTART's time of day (RDATE) or removes every occurrence on that local date (EXDATE).
   */
  rdates: readonly string[];
  exdates: readonly string[];
}

export interface Occurrence {
  /** Wall-clock reading of `start` in the series' zone; the date for all-day series. */
  local: string;
  /** Epoch milliseconds; for all-day series 00:00 UTC of the date. */
  start: number;
}

export interface ExpansionWindow {
  from: number;
  to: number;
}

export interface Expansion {
  occurrences: Occurrence[];
  truncated: boolean;
}

export const DEFAULT_OCCURRENCE_CAP = 1000;

// A wall time and its instant differ by the zone's offset (and a skipped gap): under two days anywhere.
const WALL_MARGIN = 2 * MS_PER_DAY;

/**
 * The occurrences starting in [from, to), ascending, at most `cap`. The recurrence set is DTSTART,
 * the RRULE's instances and RDATE, minus EXDATE, compared as instants (RFC 5545 §3.8.5.3).
 */
export function expandSeries(series: RecurrenceSeries, window: ExpansionWindow, options?: { cap?: number }): Expansion {
  const cap = options?.cap ?? DEFAULT_OCCURRENCE_CAP;
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`cap must be a non-negative integer, not ${cap}`);
  const plan = prepare(series);
  const { from, to } = window;
  const found: number[] = [];
  // Instants at or after `bound` cannot be among the first `cap`; it shrinks once more than `cap` are found.
  let bound = to;
  let nextCheck = cap + 1;
  const add = (instant: number): void => {
    if (instant < from || instant >= bound || plan.isExcluded(instant)) return;
    found.push(instant);
    if (found.length < nextCheck) return;
    const distinct = sortedUnique(found);
    bound = Math.min(bound, distinct[cap] ?? bound);
    nextCheck = 2 * found.length;
  };

  add(plan.startInstant);
  plan.rdates.forEach(add);
  if (plan.rule !== null && plan.until >= from) {
    plan.rule.run(from - WALL_MARGIN, (wall) => {
      if (wall - WALL_MARGIN >= bound) return false;
      const instant = plan.instantOf(wall);
      // RFC 5545 §3.3.10: UNTIL is inclusive. Wall order and instant order differ only around a
      // skipped gap, so a later wall time can still fall before UNTIL within the margin.
      if (instant > plan.until) return wall - WALL_MARGIN <= plan.until;
      add(instant);
      return true;
    });
  }

  const distinct = sortedUnique(found);
  return {
    occurrences: distinct.slice(0, cap).map((start) => ({ start, local: plan.localOf(start) })),
    truncated: distinct.length > cap,
  };
}

/**
 * The start of the series' last occurrence, or null when it recurs forever. A series whose every
 * occurrence is excluded ends at DTSTART.
 */
export function seriesEnd(series: RecurrenceSeries): number | null {
  const plan = prepare(series);
  const rule = plan.rule;
  if (rule !== null && series.rrule?.count === undefined && plan.until === Infinity) return null;
  let last = -Infinity;
  const consider = (instant: number): void => {
    if (instant > last && !plan.isExcluded(instant)) last = instant;
  };
  consider(plan.startInstant);
  plan.rdates.forEach(consider);
  if (rule === null) return Number.isFinite(last) ? last : plan.startInstant;

  if (series.rrule?.count !== undefined) {
    rule.run(-Infinity, (wall) => {
      consider(plan.instantOf(wall));
      return true;
    });
  } else {
    // Look back from UNTIL in growing windows rather than expanding from DTSTART.
    for (let span = 366 * MS_PER_DAY; ; span *= 4) {
      const from = plan.until - span;
      let latest = -Infinity;
      rule.run(from - WALL_MARGIN, (wall) => {
        const instant = plan.instantOf(wall);
        if (instant > plan.until) return wall - WALL_MARGIN <= plan.until;
        if (instant >= from && instant > latest && !plan.isExcluded(instant)) latest = instant;
        return true;
      });
      last = Math.max(last, latest);
      if (latest > -Infinity || from <= plan.startInstant) break;
    }
  }
  return Number.isFinite(last) ? last : plan.startInstant;
}

interface SeriesPlan {
  startInstant: number;
  rule: RuleExpansion | null;
  /** Last instant UNTIL allows, Infinity without UNTIL. */
  until: number;
  rdates: number[];
  instantOf(wall: number): number;
  localOf(instant: number): string;
  isExcluded(instant: number): boolean;
}

function prepare(series: RecurrenceSeries): SeriesPlan {
  const clock = ZoneClock.of(series.timeZone);
  const start = parseLocal(series.dtstart);
  if (start === null || start.kind === 'utc') {
    throw new RecurrenceError('DTSTART', `"${series.dtstart}" is neither YYYY-MM-DD nor YYYY-MM-DDTHH:mm:ss`);
  }
  const allDay = start.kind === 'date';
  const startDay = allDay ? start.day : Math.floor(start.wall / MS_PER_DAY);
  const timeOfDay = allDay ? 0 : start.wall - startDay * MS_PER_DAY;
  const localDay = (instant: number): number => Math.floor(clock.wallAt(instant) / MS_PER_DAY);
  const instantOf = allDay ? (wall: number) => wall : (wall: number) => clock.instantOf(wall);

  // An all-day occurrence is its date, held as 00:00 UTC of that date.
  const resolve = (value: ParsedLocal): number => {
    if (value.kind === 'date') return allDay ? value.day * MS_PER_DAY : clock.instantOf(value.day * MS_PER_DAY + timeOfDay);
    if (value.kind === 'local') return allDay ? Math.floor(value.wall / MS_PER_DAY) * MS_PER_DAY : clock.instantOf(value.wall);
    return allDay ? localDay(value.epochMs) * MS_PER_DAY : value.epochMs;
  };

  const rdates = series.rdates.map((text) => resolve(parseValue('RDATE', text)));
  const excludedInstants = new Set<number>();
  const excludedDays = new Set<number>();
  for (const text of series.exdates) {
    const value = parseValue('EXDATE', text);
    if (value.kind === 'date' && !allDay) excludedDays.add(value.day);
    else excludedInstants.add(resolve(value));
  }

  return {
    startInstant: instantOf(start.kind === 'date' ? start.day * MS_PER_DAY : start.wall),
    rule: series.rrule === undefined ? null : new RuleExpansion(series.rrule, { day: startDay, timeOfDay, allDay }),
    until: untilInstant(series.rrule, allDay, clock),
    rdates,
    instantOf,
    localOf: allDay ? (instant) => formatDate(Math.floor(instant / MS_PER_DAY)) : (instant) => formatWallTime(clock.wallAt(instant)),
    isExcluded:
      excludedDays.size === 0
        ? (instant) => excludedInstants.has(instant)
        : (instant) => excludedInstants.has(instant) || excludedDays.has(localDay(instant)),
  };
}

// RFC 5545 §3.3.10: UNTIL is inclusive, compared as an instant, or as a date for all-day series.
function untilInstant(rule: RRule | undefined, allDay: boolean, clock: ZoneClock): number {
  const until = rule?.until;
  if (until === undefined) return Infinity;
  if (until.kind === 'utc') return allDay ? Math.floor(clock.wallAt(until.epochMs) / MS_PER_DAY) * MS_PER_DAY : until.epochMs;
  const value = parseLocal(until.kind === 'date' ? until.date : until.dateTime);
  if (value === null || value.kind === 'utc') throw new RecurrenceError('UNTIL', 'is not a valid date or date-time');
  if (value.kind === 'local') return allDay ? Math.floor(value.wall / MS_PER_DAY) * MS_PER_DAY : clock.instantOf(value.wall);
  // A DATE UNTIL on a timed series keeps that whole local day.
  return allDay ? value.day * MS_PER_DAY : clock.instantOf((value.day + 1) * MS_PER_DAY) - 1;
}

function parseValue(part: 'RDATE' | 'EXDATE', text: string): ParsedLocal {
  const value = parseLocal(text);
  if (value === null) throw new RecurrenceError(part, `"${text}" is not YYYY-MM-DD, YYYY-MM-DDTHH:mm:ss or YYYY-MM-DDTHH:mm:ssZ`);
  return value;
}

function sortedUnique(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const result: number[] = [];
  for (const value of sorted) if (result.length === 0 || result[result.length - 1] !== value) result.push(value);
  return result;
}
