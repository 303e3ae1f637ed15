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

// A wall time and its instant differ by the zone's offset (and a skipped gap): under two days anywhere.
export const WALL_MARGIN = 2 * MS_PER_DAY;
/** UTC offsets stay within ±24 h, so an instance whose wall time is ≥ w starts at or after w − this. */
export const MAX_OFFSET = MS_PER_DAY;

/** A series compiled for expansion: its instants as epoch milliseconds, its rule as lookup tables. */
export interface SeriesPlan {
  allDay: boolean;
  startInstant: number;
  rule: RuleExpansion | null;
  /** Last instant UNTIL allows, Infinity without UNTIL. */
  until: number;
  rdates: number[];
  instantOf(wall: number): number;
  localOf(instant: number): string;
  isExcluded(instant: number): boolean;
}

export function prepare(series: RecurrenceSeries): SeriesPlan {
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
    allDay,
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
