import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, dateFromDay, dayFromDate, weekdayOf } from './calendar';
import type { CompiledRule } from './compiledRule';
import { dayMatchesAlone, monthDaysMatching, weekDaysMatching, yearDaysMatching } from './dayMatching';
import type { ExpansionBudget } from './expansionBudget';
import { selectPositions } from './setPositions';
import { DOMAIN_END_MS } from '../time/validDomain';

// A walk over a compiled rule's periods (RFC 5545 §3.3.10): the periods of FREQ, INTERVAL apart from
// DTSTART's, each entered as one step of the budget, its days kept by the BYxxx parts (dayMatching.ts),
// its candidates emitted through BYSETPOS and COUNT to the visitor. A walk starts one period before
// the one holding `skipTo`, crediting the periods it jumped over (`walk.skippedPeriods`), and stops at
// the horizon, when the budget runs out, or after `emptySpan` without an instance.
// The loops here run once per period, day or candidate, so what they read per step (the horizon, the
// entering and settling of a period) lives in this file: under tsx's CommonJS output every value
// imported from another module is read through a property getter, which cost 10–20% here.

// Nothing at or after the end of the valid domain (2200-01-01, time/validDomain.ts) can be written or
// read, so walks stop there, plus a margin for zones ahead of UTC. This also bounds the longest walk
// any rule can make: about 110,000 days from 1900.
export const LAST_WALL = DOMAIN_END_MS + 2 * MS_PER_DAY;
const LAST_DAY = Math.floor(LAST_WALL / MS_PER_DAY);
const LAST_YEAR = dateFromDay(LAST_DAY).year;
/** The Gregorian calendar, weekdays included, repeats every 400 years = 146097 days. */
export const CYCLE_DAYS = 146097;

/** Visits one wall time; returning false stops the expansion. */
export type WallTimeVisitor = (wall: number) => boolean;

/** What an Emit returns to stop the expansion, instead of how many instances it kept. */
const STOP = -1;

/** Emits one period's candidates (sorted `bases` × `times`): how many BYSETPOS kept, or STOP. */
type Emit = (bases: readonly number[], unit: number) => number;

/** One walk's state: the budget, the stopping wall time, how many instances COUNT has seen. */
export interface Walk {
  readonly budget: ExpansionBudget;
  readonly stopAfter: number;
  /** DTSTART counts as the first instance (RFC 5545 §3.3.10). */
  counted: number;
  exhaustedAt: number;
  /** COUNT rules fast-forwarded arithmetically (see `fixedPeriodCount`) credit the periods jumped over. */
  readonly skippedPeriods: (periods: number) => void;
  /** The days of the period being emitted, one array reused so a walk allocates nothing per period. */
  readonly days: number[];
}

/**
 * Steps the rule's periods from one before the one holding `skipTo` (-Infinity: from DTSTART's),
 * visiting each one's instances.
 */
export function walkPeriods(rule: CompiledRule, skipTo: number, walk: Walk, visit: WallTimeVisitor): void {
  const emit = periodEmitter(rule, walk, visit);
  switch (rule.freq) {
    case 'YEARLY':
      return walkYears(rule, skipTo, walk, emit);
    case 'MONTHLY':
      return walkMonths(rule, skipTo, walk, emit);
    case 'WEEKLY':
      return walkWeeks(rule, skipTo, walk, emit);
    case 'DAILY':
      return walkDays(rule, skipTo, walk, emit);
    case 'HOURLY':
      return walkSlots(rule, MS_PER_HOUR, skipTo, walk, emit);
    case 'MINUTELY':
      return walkSlots(rule, MS_PER_MINUTE, skipTo, walk, emit);
  }
}

/** The periods (`step` units long) a walk from `first` jumps over to start one period before `target`'s. */
function periodsBefore(first: number, target: number, step: number): number {
  return Math.max(0, Math.floor((target - first) / step) - 1);
}

function walkYears(rule: CompiledRule, skipTo: number, walk: Walk, emit: Emit): void {
  const first = dateFromDay(rule.startDay).year;
  const target = skipTo === -Infinity ? first : dateFromDay(Math.floor(skipTo / MS_PER_DAY)).year;
  const skipped = periodsBefore(first, target, rule.interval);
  walk.skippedPeriods(skipped);
  let lastFound: number | null = rule.startWall;
  for (let year = first + skipped * rule.interval; year <= LAST_YEAR; year += rule.interval) {
    const periodStart = dayFromDate(year, 1, 1) * MS_PER_DAY;
    if (!enterPeriod(walk, periodStart)) return;
    const days = yearDaysMatching(rule, year, walk.days);
    lastFound = settle(rule, days.length > 0 ? emit(days, MS_PER_DAY) : 0, periodStart, lastFound);
    if (lastFound === null) return;
  }
}

function walkMonths(rule: CompiledRule, skipTo: number, walk: Walk, emit: Emit): void {
  const start = dateFromDay(rule.startDay);
  const firstIndex = start.year * 12 + start.month - 1;
  const targetDate = skipTo === -Infinity ? start : dateFromDay(Math.floor(skipTo / MS_PER_DAY));
  const skipped = periodsBefore(firstIndex, targetDate.year * 12 + targetDate.month - 1, rule.interval);
  walk.skippedPeriods(skipped);
  let lastFound: number | null = rule.startWall;
  for (let index = firstIndex + skipped * rule.interval; index < (LAST_YEAR + 1) * 12; index += rule.interval) {
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    const firstDay = dayFromDate(year, month, 1);
    if (!enterPeriod(walk, firstDay * MS_PER_DAY)) return;
    const days = monthDaysMatching(rule, year, month, firstDay, walk.days);
    lastFound = settle(rule, days.length > 0 ? emit(days, MS_PER_DAY) : 0, firstDay * MS_PER_DAY, lastFound);
    if (lastFound === null) return;
  }
}

function walkWeeks(rule: CompiledRule, skipTo: number, walk: Walk, emit: Emit): void {
  const step = 7 * rule.interval;
  const firstWeek = rule.startDay - ((weekdayOf(rule.startDay) - rule.wkst + 7) % 7);
  const target = skipTo === -Infinity ? firstWeek : Math.floor(skipTo / MS_PER_DAY);
  const skipped = periodsBefore(firstWeek, target, step);
  walk.skippedPeriods(skipped);
  let lastFound: number | null = rule.startWall;
  for (let weekStart = firstWeek + skipped * step; weekStart <= LAST_DAY; weekStart += step) {
    if (!enterPeriod(walk, weekStart * MS_PER_DAY)) return;
    const days = weekDaysMatching(rule, weekStart, LAST_DAY, walk.days);
    lastFound = settle(rule, days.length > 0 ? emit(days, MS_PER_DAY) : 0, weekStart * MS_PER_DAY, lastFound);
    if (lastFound === null) return;
  }
}

function walkDays(rule: CompiledRule, skipTo: number, walk: Walk, emit: Emit): void {
  const first = rule.startDay;
  const target = skipTo === -Infinity ? first : Math.floor(skipTo / MS_PER_DAY);
  const skipped = periodsBefore(first, target, rule.interval);
  walk.skippedPeriods(skipped);
  let lastFound: number | null = rule.startWall;
  const days = [0];
  for (let day = first + skipped * rule.interval; day <= LAST_DAY; day += rule.interval) {
    if (!enterPeriod(walk, day * MS_PER_DAY)) return;
    days[0] = day;
    lastFound = settle(rule, dayMatchesAlone(rule, day) ? emit(days, MS_PER_DAY) : 0, day * MS_PER_DAY, lastFound);
    if (lastFound === null) return;
  }
}

// RFC 5545 §3.3.10: HOURLY and MINUTELY step wall-clock hours or minutes from DTSTART; day, hour and
// minute rule parts only limit, so a slot that fails them jumps to the next aligned slot that may pass.
function walkSlots(rule: CompiledRule, unit: number, skipTo: number, walk: Walk, emit: Emit): void {
  const firstSlot = Math.floor(rule.startWall / unit);
  const step = rule.interval;
  const target = skipTo === -Infinity ? firstSlot : Math.floor(skipTo / unit);
  const skipped = periodsBefore(firstSlot, target, step);
  walk.skippedPeriods(skipped);
  let slot = firstSlot + skipped * step;
  let lastFound: number | null = rule.startWall;
  const bases = [0];
  const limited = rule.hours !== null || rule.minutes !== null || rule.months !== null || rule.monthDays !== null || rule.yearDays !== null || rule.weekdays !== null;
  for (;;) {
    const wall = slot * unit;
    if (!enterPeriod(walk, wall)) return;
    const allowed = limited ? nextAllowedSlotStart(rule, wall, unit, lastFound, walk) : wall;
    if (allowed === null) return;
    if (allowed !== wall) {
      slot = firstSlot + Math.ceil((allowed / unit - firstSlot) / step) * step;
      continue;
    }
    bases[0] = slot;
    lastFound = settle(rule, emit(bases, unit), wall, lastFound);
    if (lastFound === null) return;
    slot += step;
  }
}

/**
 * The earliest wall time ≥ `wall` starting an hour (or minute) the limiting parts allow, or null when
 * there is none before the walk stops (each day scanned is a step of the budget).
 */
function nextAllowedSlotStart(rule: CompiledRule, wall: number, unit: number, lastFound: number, walk: Walk): number | null {
  let day = Math.floor(wall / MS_PER_DAY);
  let time = wall - day * MS_PER_DAY;
  const firstDay = day;
  for (; day <= LAST_DAY; day++, time = 0) {
    if (day * MS_PER_DAY - lastFound > rule.emptySpan) return null;
    if (!dayMatchesAlone(rule, day)) {
      // Day limits alone repeat with the 400-year cycle, whatever the INTERVAL.
      if (day - firstDay > CYCLE_DAYS) return null;
      if (day > firstDay && !enterPeriod(walk, day * MS_PER_DAY)) return null;
      continue;
    }
    for (let hour = Math.floor(time / MS_PER_HOUR); hour < 24; hour++) {
      if (rule.hours !== null && rule.hours[hour] !== 1) continue;
      const hourStart = day * MS_PER_DAY + hour * MS_PER_HOUR;
      if (unit === MS_PER_HOUR || rule.minutes === null) return Math.max(hourStart, day * MS_PER_DAY + time);
      const fromMinute = hourStart < day * MS_PER_DAY + time ? Math.floor((time % MS_PER_HOUR) / MS_PER_MINUTE) : 0;
      for (let minute = fromMinute; minute < 60; minute++) {
        if (rule.minutes[minute] === 1) return hourStart + minute * MS_PER_MINUTE;
      }
    }
  }
  return null;
}

/** Whether the walk may look at the period starting at `periodStart` (one step of the budget); false ends it. */
function enterPeriod(walk: Walk, periodStart: number): boolean {
  if (periodStart > walk.stopAfter) return false;
  if (walk.budget.take(1)) return true;
  walk.exhaustedAt = periodStart;
  return false;
}

/**
 * After the period starting at `periodStart` kept `kept` instances: the start of the latest period with
 * instances (`lastFound` before it), or null to stop, on STOP or after `emptySpan` without any.
 */
function settle(rule: CompiledRule, kept: number, periodStart: number, lastFound: number): number | null {
  if (kept === STOP) return null;
  if (kept > 0) return periodStart;
  return periodStart - lastFound > rule.emptySpan ? null : lastFound;
}

/**
 * Emits one period's candidates to `visit` in order, BYSETPOS applied, those up to DTSTART skipped:
 * how many BYSETPOS kept, or STOP (past COUNT, past the horizon, the visitor stopped, or the budget
 * cannot pay for the candidates).
 */
function periodEmitter(rule: CompiledRule, walk: Walk, visit: WallTimeVisitor): Emit {
  return (bases, unit) => {
    const perBase = rule.times.length;
    const total = bases.length * perBase;
    const positions = rule.setPos.length > 0 ? selectPositions(total, rule.setPos) : null;
    const n = positions === null ? total : positions.length;
    if (!walk.budget.take(n)) {
      walk.exhaustedAt = (bases[0] ?? 0) * unit;
      return STOP;
    }
    for (let j = 0; j < n; j++) {
      // Candidate i is base ⌊i / perBase⌋ at time i mod perBase. Written out, not a helper closure: this runs
      // once per period, and tsx's keepNames makes every closure created cost a defineProperty.
      const i = positions === null ? j : (positions[j] ?? 0);
      const wall = (bases[Math.floor(i / perBase)] ?? 0) * unit + (rule.times[i % perBase] ?? 0);
      if (wall <= rule.startWall) continue;
      if (wall > LAST_WALL) return STOP;
      walk.counted++;
      if (walk.counted > rule.count || !visit(wall)) return STOP;
    }
    return n;
  };
}
