import {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  dateFromDay,
  dayFromDate,
  daysInMonth,
  daysInYear,
  weekdayOf,
} from './calendar';
import { DOMAIN_END_MS } from '../time/validDomain';
import type { ExpansionBudget } from './expansionBudget';
import { RecurrenceError } from './recurrenceError';
import { WEEKDAYS, checkCombinations, type RRule } from './rrule';

/** DTSTART as plain numbers: its day and, for timed series, milliseconds into that day. */
export interface RuleStart {
  day: number;
  timeOfDay: number;
  allDay: boolean;
}

/** Visits one wall time; returning false stops the expansion. */
export type WallTimeVisitor = (wall: number) => boolean;

/** Where a walk starts and stops, and what it may spend. */
export interface WalkLimits {
  /** Periods ending before this wall time may be jumped over (see `run`). */
  skipBefore: number;
  /** No period starting after this wall time is looked at. */
  stopAfter: number;
  budget: ExpansionBudget;
}

/** How a walk ended. */
export interface WalkOutcome {
  /**
   * Every instance with a wall time before this was visited: +Infinity unless the budget ran out, in
   * which case it is the start of the first period left unexpanded.
   */
  completeBefore: number;
}

// Nothing at or after the end of the valid domain (2200-01-01, time/validDomain.ts) can be written or
// read, so walks stop there, plus a margin for zones ahead of UTC. This also bounds the longest walk
// any rule can make: about 110,000 days from 1900.
const LAST_WALL = DOMAIN_END_MS + 2 * MS_PER_DAY;
const LAST_DAY = Math.floor(LAST_WALL / MS_PER_DAY);
const LAST_YEAR = dateFromDay(LAST_DAY).year;
// The Gregorian calendar, weekdays included, repeats every 400 years = 146097 days.
const CYCLE_DAYS = 146097;

/** What an Emit returns to stop the expansion, instead of how many instances it kept. */
const STOP = -1;

/** Emits one period's candidates (sorted `bases` × `times`): how many BYSETPOS kept, or STOP. */
type Emit = (bases: readonly number[], unit: number) => number;

/** One walk's state: the budget, the stopping wall time, how many instances COUNT has seen. */
interface Walk {
  readonly budget: ExpansionBudget;
  readonly stopAfter: number;
  /** DTSTART counts as the first instance (RFC 5545 §3.3.10). */
  counted: number;
  exhaustedAt: number;
  /** COUNT rules fast-forwarded arithmetically (see `fixedPeriodCount`) credit the periods jumped over. */
  readonly skippedPeriods: (periods: number) => void;
}

interface Ordinal {
  weekday: number;
  ordinal: number;
}

/**
 * An RRULE compiled against its DTSTART into lookup tables, expanded on wall-clock time
 * (RFC 5545 §3.3.10) without Temporal objects.
 */
export class RuleExpansion {
  private readonly freq: RRule['freq'];
  private readonly interval: number;
  private readonly count: number;
  private readonly startWall: number;
  private readonly wkst: number;
  private readonly months: Uint8Array | null;
  private readonly weekNos: Uint8Array | null;
  private readonly yearDays: Uint8Array | null;
  private readonly monthDays: Uint8Array | null;
  private readonly weekdays: Uint8Array | null;
  private readonly ordinals: readonly Ordinal[];
  private readonly ordinalsInMonth: boolean;
  private readonly hours: Uint8Array | null;
  private readonly minutes: Uint8Array | null;
  /** Offsets of the instances inside one period: within a day (YEARLY…DAILY), hour or minute. */
  private readonly times: readonly number[];
  private readonly setPos: readonly number[];
  // No instance in this much wall time means none ever: the calendar and the INTERVAL alignment
  // together repeat within 400 × INTERVAL years whatever the frequency.
  private readonly emptySpan: number;
  private readonly dayBuffer: number[] = [];
  /** True when the rule provably has no instance besides DTSTART. */
  private readonly barren: boolean;

  constructor(rule: RRule, start: RuleStart) {
    checkCombinations(rule);
    if (start.allDay && (rule.freq === 'HOURLY' || rule.freq === 'MINUTELY')) {
      throw new RecurrenceError('FREQ', `FREQ=${rule.freq} needs a DTSTART with a time of day`);
    }
    this.freq = rule.freq;
    this.interval = rule.interval;
    this.count = rule.count ?? Infinity;
    this.startWall = start.day * MS_PER_DAY + start.timeOfDay;
    this.wkst = WEEKDAYS.indexOf(rule.wkst);
    this.emptySpan = CYCLE_DAYS * rule.interval * MS_PER_DAY;
    this.setPos = rule.bySetPos;

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
    this.months = mask(13, byMonth);
    this.weekNos = signedMask(53, rule.byWeekNo);
    this.yearDays = signedMask(366, rule.byYearDay);
    this.monthDays = signedMask(31, byMonthDay);
    // An all-ordinal BYDAY still limits, so the table exists whenever BYDAY does.
    this.weekdays = byDay.length > 0 ? new Uint8Array(7) : null;
    for (const { weekday, ordinal } of byDay) if (ordinal === 0 && this.weekdays !== null) this.weekdays[weekday] = 1;
    this.ordinals = byDay.filter((d) => d.ordinal !== 0);
    // RFC 5545 §3.3.10: a BYDAY ordinal counts within the month for MONTHLY, and for YEARLY with BYMONTH.
    this.ordinalsInMonth = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && byMonth.length > 0);

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
      this.hours = mask(24, timeParts.byHour);
      this.minutes = mask(60, timeParts.byMinute);
      this.times = seconds.map((s) => s * 1000);
    } else if (rule.freq === 'HOURLY') {
      this.hours = mask(24, timeParts.byHour);
      this.minutes = null;
      this.times = product([minutes, seconds], [MS_PER_MINUTE, 1000]);
    } else {
      this.hours = null;
      this.minutes = null;
      this.times = product([hours, minutes, seconds], [MS_PER_HOUR, MS_PER_MINUTE, 1000]);
    }
    this.barren = this.times.length === 0 || this.neverAligned(start) || this.emptyFixedPeriod();
  }

  /**
   * HOURLY/MINUTELY reach only the hours (minutes) of the day congruent to DTSTART's modulo
   * gcd(INTERVAL, 24) (gcd(INTERVAL, 1440)); true when BYHOUR/BYMINUTE allow none of them.
   */
  private neverAligned(start: RuleStart): boolean {
    if (this.freq !== 'HOURLY' && this.freq !== 'MINUTELY') return false;
    const perDay = this.freq === 'HOURLY' ? 24 : 1440;
    const step = gcd(this.interval, perDay);
    const first = Math.floor(start.timeOfDay / (this.freq === 'HOURLY' ? MS_PER_HOUR : MS_PER_MINUTE)) % step;
    for (let slot = first; slot < perDay; slot += step) {
      const hour = this.freq === 'HOURLY' ? slot : Math.floor(slot / 60);
      if (this.hours !== null && this.hours[hour] !== 1) continue;
      if (this.freq === 'MINUTELY' && this.minutes !== null && this.minutes[slot % 60] !== 1) continue;
      return false;
    }
    return true;
  }

  /** DAILY and finer periods all have the same candidates per allowed day or slot; true when BYSETPOS keeps none. */
  private emptyFixedPeriod(): boolean {
    const fixed = this.freq === 'DAILY' || this.freq === 'HOURLY' || this.freq === 'MINUTELY';
    return fixed && this.setPos.length > 0 && selectPositions(this.times.length, this.setPos).length === 0;
  }

  /**
   * Instances per period when every period after the first has as many (DAILY and finer with no limiting
   * part, WEEKLY without BYMONTH), else null. For those rules the number of instances before any period is
   * arithmetic, so a COUNT rule is fast-forwarded like an endless one instead of walked from DTSTART.
   */
  private fixedPeriodCount(): number | null {
    let candidates: number;
    if (this.freq === 'WEEKLY') {
      if (this.months !== null || this.weekdays === null || this.ordinals.length > 0) return null;
      candidates = this.weekdays.reduce((n, on) => n + on, 0) * this.times.length;
    } else if (this.freq === 'DAILY' || this.freq === 'HOURLY' || this.freq === 'MINUTELY') {
      const limited = this.months !== null || this.monthDays !== null || this.yearDays !== null || this.weekdays !== null;
      if (limited || this.hours !== null || this.minutes !== null) return null;
      candidates = this.times.length;
    } else {
      return null;
    }
    return this.setPos.length > 0 ? selectPositions(candidates, this.setPos).length : candidates;
  }

  /** How many instances the first period has after DTSTART (its earlier candidates are not instances). */
  private firstPeriodCount(): number {
    let unit = MS_PER_DAY;
    const bases: number[] = [];
    if (this.freq === 'WEEKLY') {
      const firstWeek = this.startDay() - ((weekdayOf(this.startDay()) - this.wkst + 7) % 7);
      for (let offset = 0; offset < 7; offset++) if (this.weekdays?.[(this.wkst + offset) % 7] === 1) bases.push(firstWeek + offset);
    } else if (this.freq === 'DAILY') {
      bases.push(this.startDay());
    } else {
      unit = this.freq === 'HOURLY' ? MS_PER_HOUR : MS_PER_MINUTE;
      bases.push(Math.floor(this.startWall / unit));
    }
    const perBase = this.times.length;
    const total = bases.length * perBase;
    const positions = this.setPos.length > 0 ? selectPositions(total, this.setPos) : Array.from({ length: total }, (_, i) => i);
    return positions.filter((i) => (bases[Math.floor(i / perBase)] ?? 0) * unit + (this.times[i % perBase] ?? 0) > this.startWall).length;
  }

  /**
   * Visits the rule's instances after DTSTART in wall-time order, up to `limits.stopAfter` and at most
   * until the budget runs out. DTSTART itself counts as the first instance for COUNT (RFC 5545 §3.3.10)
   * and is left to the caller. Periods ending before `limits.skipBefore` are jumped over arithmetically,
   * for COUNT rules too when the instances per period are fixed; other COUNT rules (at most MAX_COUNT
   * instances when written) are walked from DTSTART.
   */
  run(limits: WalkLimits, visit: WallTimeVisitor): WalkOutcome {
    const perFixedPeriod = this.count === Infinity ? null : this.fixedPeriodCount();
    const walk: Walk = {
      budget: limits.budget,
      stopAfter: Math.min(limits.stopAfter, LAST_WALL),
      counted: 1,
      exhaustedAt: Infinity,
      skippedPeriods: (periods) => {
        if (perFixedPeriod !== null && periods > 0) walk.counted = 1 + this.firstPeriodCount() + (periods - 1) * perFixedPeriod;
      },
    };
    if (this.barren) return { completeBefore: Infinity };
    const emit = this.emitter(walk, visit);
    const skipTo = this.count === Infinity || perFixedPeriod !== null ? limits.skipBefore : -Infinity;
    switch (this.freq) {
      case 'YEARLY':
        this.runYearly(skipTo, walk, emit);
        break;
      case 'MONTHLY':
        this.runMonthly(skipTo, walk, emit);
        break;
      case 'WEEKLY':
        this.runWeekly(skipTo, walk, emit);
        break;
      case 'DAILY':
        this.runDaily(skipTo, walk, emit);
        break;
      case 'HOURLY':
        this.runSubDaily(MS_PER_HOUR, skipTo, walk, emit);
        break;
      case 'MINUTELY':
        this.runSubDaily(MS_PER_MINUTE, skipTo, walk, emit);
        break;
    }
    return { completeBefore: walk.exhaustedAt };
  }

  /** Emits one period's candidates: how many BYSETPOS kept, or STOP (also when the budget cannot pay for them). */
  private emitter(walk: Walk, visit: WallTimeVisitor): Emit {
    return (bases, unit) => {
      const perBase = this.times.length;
      const total = bases.length * perBase;
      const at = (i: number): number => (bases[Math.floor(i / perBase)] ?? 0) * unit + (this.times[i % perBase] ?? 0);
      const positions = this.setPos.length > 0 ? selectPositions(total, this.setPos) : null;
      const n = positions === null ? total : positions.length;
      if (!walk.budget.take(n)) {
        walk.exhaustedAt = (bases[0] ?? 0) * unit;
        return STOP;
      }
      for (let j = 0; j < n; j++) {
        const wall = at(positions === null ? j : (positions[j] ?? 0));
        if (wall <= this.startWall) continue;
        if (wall > LAST_WALL) return STOP;
        walk.counted++;
        if (walk.counted > this.count || !visit(wall)) return STOP;
      }
      return n;
    };
  }

  /** Whether the walk may look at the period starting at `periodStart` (one step of the budget); false ends it. */
  private enter(walk: Walk, periodStart: number): boolean {
    if (periodStart > walk.stopAfter) return false;
    if (walk.budget.take(1)) return true;
    walk.exhaustedAt = periodStart;
    return false;
  }

  private runYearly(skipTo: number, walk: Walk, emit: Emit): void {
    const first = dateFromDay(this.startDay()).year;
    const target = skipTo === -Infinity ? first : dateFromDay(Math.floor(skipTo / MS_PER_DAY)).year;
    const skipped = Math.max(0, Math.floor((target - first) / this.interval) - 1);
    walk.skippedPeriods(skipped);
    let year = first + skipped * this.interval;
    let lastFound: number | null = this.startWall;
    for (; year <= LAST_YEAR; year += this.interval) {
      const periodStart = dayFromDate(year, 1, 1) * MS_PER_DAY;
      if (!this.enter(walk, periodStart)) return;
      const days = this.yearDaysMatching(year);
      lastFound = this.settle(days.length > 0 ? emit(days, MS_PER_DAY) : 0, periodStart, lastFound);
      if (lastFound === null) return;
    }
  }

  private runMonthly(skipTo: number, walk: Walk, emit: Emit): void {
    const start = dateFromDay(this.startDay());
    const firstIndex = start.year * 12 + start.month - 1;
    const targetDate = skipTo === -Infinity ? start : dateFromDay(Math.floor(skipTo / MS_PER_DAY));
    const target = targetDate.year * 12 + targetDate.month - 1;
    const skipped = Math.max(0, Math.floor((target - firstIndex) / this.interval) - 1);
    walk.skippedPeriods(skipped);
    let index = firstIndex + skipped * this.interval;
    let lastFound: number | null = this.startWall;
    for (; index < (LAST_YEAR + 1) * 12; index += this.interval) {
      const year = Math.floor(index / 12);
      const month = (index % 12) + 1;
      const firstDay = dayFromDate(year, month, 1);
      if (!this.enter(walk, firstDay * MS_PER_DAY)) return;
      const days = this.dayBuffer;
      days.length = 0;
      if (this.months === null || this.months[month] === 1) {
        const length = daysInMonth(year, month);
        for (let monthDay = 1; monthDay <= length; monthDay++) {
          const day = firstDay + monthDay - 1;
          if (this.dayMatches(day, monthDay, length, 0, 0)) days.push(day);
        }
      }
      lastFound = this.settle(days.length > 0 ? emit(days, MS_PER_DAY) : 0, firstDay * MS_PER_DAY, lastFound);
      if (lastFound === null) return;
    }
  }

  private runWeekly(skipTo: number, walk: Walk, emit: Emit): void {
    const step = 7 * this.interval;
    const firstWeek = this.startDay() - ((weekdayOf(this.startDay()) - this.wkst + 7) % 7);
    const target = skipTo === -Infinity ? firstWeek : Math.floor(skipTo / MS_PER_DAY);
    const skipped = Math.max(0, Math.floor((target - firstWeek) / step) - 1);
    walk.skippedPeriods(skipped);
    let weekStart = firstWeek + skipped * step;
    let lastFound: number | null = this.startWall;
    for (; weekStart <= LAST_DAY; weekStart += step) {
      if (!this.enter(walk, weekStart * MS_PER_DAY)) return;
      const days = this.dayBuffer;
      days.length = 0;
      for (let offset = 0; offset < 7; offset++) {
        const day = weekStart + offset;
        if (this.weekdays !== null && this.weekdays[(this.wkst + offset) % 7] !== 1) continue;
        if (this.months !== null && this.months[dateFromDay(day).month] !== 1) continue;
        if (day <= LAST_DAY) days.push(day);
      }
      lastFound = this.settle(days.length > 0 ? emit(days, MS_PER_DAY) : 0, weekStart * MS_PER_DAY, lastFound);
      if (lastFound === null) return;
    }
  }

  private runDaily(skipTo: number, walk: Walk, emit: Emit): void {
    const first = this.startDay();
    const target = skipTo === -Infinity ? first : Math.floor(skipTo / MS_PER_DAY);
    const skipped = Math.max(0, Math.floor((target - first) / this.interval) - 1);
    walk.skippedPeriods(skipped);
    let day = first + skipped * this.interval;
    let lastFound: number | null = this.startWall;
    const days = [0];
    for (; day <= LAST_DAY; day += this.interval) {
      if (!this.enter(walk, day * MS_PER_DAY)) return;
      days[0] = day;
      lastFound = this.settle(this.dayMatchesAlone(day) ? emit(days, MS_PER_DAY) : 0, day * MS_PER_DAY, lastFound);
      if (lastFound === null) return;
    }
  }

  // RFC 5545 §3.3.10: HOURLY and MINUTELY step wall-clock hours or minutes from DTSTART; day, hour and
  // minute rule parts only limit, so a slot that fails them jumps to the next aligned slot that may pass.
  private runSubDaily(unit: number, skipTo: number, walk: Walk, emit: Emit): void {
    const firstSlot = Math.floor(this.startWall / unit);
    const step = this.interval;
    const target = skipTo === -Infinity ? firstSlot : Math.floor(skipTo / unit);
    const skipped = Math.max(0, Math.floor((target - firstSlot) / step) - 1);
    walk.skippedPeriods(skipped);
    let slot = firstSlot + skipped * step;
    let lastFound: number | null = this.startWall;
    const bases = [0];
    const limited = this.hours !== null || this.minutes !== null || this.months !== null || this.monthDays !== null || this.yearDays !== null || this.weekdays !== null;
    for (;;) {
      const wall = slot * unit;
      if (!this.enter(walk, wall)) return;
      const allowed = limited ? this.nextAllowedSlotStart(wall, unit, lastFound, walk) : wall;
      if (allowed === null) return;
      if (allowed !== wall) {
        slot = firstSlot + Math.ceil((allowed / unit - firstSlot) / step) * step;
        continue;
      }
      bases[0] = slot;
      lastFound = this.settle(emit(bases, unit), wall, lastFound);
      if (lastFound === null) return;
      slot += step;
    }
  }

  /**
   * The earliest wall time ≥ `wall` starting an hour (or minute) the limiting parts allow, or null when
   * there is none before the walk stops (each day scanned is a step of the budget).
   */
  private nextAllowedSlotStart(wall: number, unit: number, lastFound: number, walk: Walk): number | null {
    let day = Math.floor(wall / MS_PER_DAY);
    let time = wall - day * MS_PER_DAY;
    const firstDay = day;
    for (; day <= LAST_DAY; day++, time = 0) {
      if (day * MS_PER_DAY - lastFound > this.emptySpan) return null;
      if (!this.dayMatchesAlone(day)) {
        // Day limits alone repeat with the 400-year cycle, whatever the INTERVAL.
        if (day - firstDay > CYCLE_DAYS) return null;
        if (day > firstDay && !this.enter(walk, day * MS_PER_DAY)) return null;
        continue;
      }
      for (let hour = Math.floor(time / MS_PER_HOUR); hour < 24; hour++) {
        if (this.hours !== null && this.hours[hour] !== 1) continue;
        const hourStart = day * MS_PER_DAY + hour * MS_PER_HOUR;
        if (unit === MS_PER_HOUR || this.minutes === null) return Math.max(hourStart, day * MS_PER_DAY + time);
        const fromMinute = hourStart < day * MS_PER_DAY + time ? Math.floor((time % MS_PER_HOUR) / MS_PER_MINUTE) : 0;
        for (let minute = fromMinute; minute < 60; minute++) {
          if (this.minutes[minute] === 1) return hourStart + minute * MS_PER_MINUTE;
        }
      }
    }
    return null;
  }

  /** The start of the latest period with instances after this one, or null to stop. */
  private settle(kept: number, periodStart: number, lastFound: number): number | null {
    if (kept === STOP) return null;
    if (kept > 0) return periodStart;
    return periodStart - lastFound > this.emptySpan ? null : lastFound;
  }

  private startDay(): number {
    return Math.floor(this.startWall / MS_PER_DAY);
  }

  private yearDaysMatching(year: number): number[] {
    const days = this.dayBuffer;
    days.length = 0;
    const yearLength = daysInYear(year);
    const weeks = this.weekNos === null ? null : weekNumbering(year, this.wkst);
    let day = dayFromDate(year, 1, 1);
    let yearDay = 1;
    for (let month = 1; month <= 12; month++) {
      const length = daysInMonth(year, month);
      if (this.months !== null && this.months[month] !== 1) {
        day += length;
        yearDay += length;
        continue;
      }
      for (let monthDay = 1; monthDay <= length; monthDay++, day++, yearDay++) {
        if (weeks !== null && !this.weekMatches(day, weeks)) continue;
        if (this.dayMatches(day, monthDay, length, yearDay, yearLength)) days.push(day);
      }
    }
    return days;
  }

  /** Day-level limits for DAILY and finer, where BYDAY has no ordinals and BYWEEKNO is not allowed. */
  private dayMatchesAlone(day: number): boolean {
    if (this.months === null && this.monthDays === null && this.yearDays === null && this.weekdays === null) return true;
    if (this.weekdays !== null && this.weekdays[weekdayOf(day)] !== 1) return false;
    const { year, month, day: monthDay } = dateFromDay(day);
    if (this.months !== null && this.months[month] !== 1) return false;
    const yearDay = this.yearDays === null ? 0 : day - dayFromDate(year, 1, 1) + 1;
    return this.dayMatches(day, monthDay, daysInMonth(year, month), yearDay, daysInYear(year));
  }

  /** BYYEARDAY, BYMONTHDAY and BYDAY checks; `yearDay` is only read for BYYEARDAY and YEARLY ordinals. */
  private dayMatches(
    day: number,
    monthDay: number,
    monthLength: number,
    yearDay: number,
    yearLength: number,
  ): boolean {
    if (this.yearDays !== null && !signedHit(this.yearDays, yearDay, yearLength)) return false;
    if (this.monthDays !== null && !signedHit(this.monthDays, monthDay, monthLength)) return false;
    if (this.weekdays === null) return true;
    const weekday = weekdayOf(day);
    if (this.weekdays[weekday] === 1) return true;
    for (const { weekday: wanted, ordinal } of this.ordinals) {
      if (wanted !== weekday) continue;
      // RFC 5545 §3.3.10: nth weekday of the month or year; negative counts from its end.
      const position = this.ordinalsInMonth ? monthDay : yearDay;
      const length = this.ordinalsInMonth ? monthLength : yearLength;
      const nth = ordinal > 0 ? Math.floor((position - 1) / 7) + 1 : -(Math.floor((length - position) / 7) + 1);
      if (nth === ordinal) return true;
    }
    return false;
  }

  // RFC 5545 §3.3.10 BYWEEKNO: weeks start on WKST and week 1 is the first with at least four days in
  // the year, so a day can belong to the last week of the previous year or week 1 of the next.
  private weekMatches(day: number, weeks: WeekNumbering): boolean {
    const table = this.weekNos;
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
}

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

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function mask(size: number, values: readonly number[]): Uint8Array | null {
  if (values.length === 0) return null;
  const table = new Uint8Array(size);
  for (const value of values) table[value] = 1;
  return table;
}

/** Index v holds +v, index max + v holds -v, so `signedHit` needs no branches on sign. */
function signedMask(max: number, values: readonly number[]): Uint8Array | null {
  if (values.length === 0) return null;
  const table = new Uint8Array(2 * max + 1);
  for (const value of values) table[value > 0 ? value : max - value] = 1;
  return table;
}

function signedHit(table: Uint8Array, position: number, length: number): boolean {
  const max = (table.length - 1) / 2;
  return table[position] === 1 || table[max + length - position + 1] === 1;
}

function product(lists: readonly (readonly number[])[], units: readonly number[]): number[] {
  let result = [0];
  lists.forEach((list, i) => {
    const unit = units[i] ?? 0;
    result = result.flatMap((base) => list.map((value) => base + value * unit));
  });
  return result.sort((a, b) => a - b);
}

// RFC 5545 §3.3.10 BYSETPOS: 1-based positions in the period's sorted set, negative from its end.
function selectPositions(total: number, setPos: readonly number[]): number[] {
  const picked = new Set<number>();
  for (const position of setPos) {
    const index = position > 0 ? position - 1 : total + position;
    if (index >= 0 && index < total) picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}
