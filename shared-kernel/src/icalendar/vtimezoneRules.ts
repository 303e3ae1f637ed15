import { expandSeriesBounded } from '../recurrence/expand';
import type { ExpansionBudget } from '../recurrence/expansionBudget';
import { formatWallTime, MS_PER_DAY } from '../recurrence/calendar';
import { parseRRule, type RRule } from '../recurrence/rrule';
import { compatibleInstant } from '../recurrence/zoneClock';
import type { ICalComponent } from './components';
import { propertiesOf, propertyOf } from './components';
import { readDateOrDateTime } from './dateValues';
import { TimeValueError } from './propertyTimes';

/** One STANDARD or DAYLIGHT observance of a VTIMEZONE (RFC 5545 §3.6.5). */
interface Observance {
  /** Onset (DTSTART) as a wall time in the offset before it. */
  start: number;
  offsetFrom: number;
  offsetTo: number;
  rrule?: RRule;
  /** RDATE onsets, wall times. */
  rdates: number[];
}

/** A change of offset: at an instant, from `before` to `after` (ms east of UTC). */
export interface Onset {
  at: number;
  before: number;
  after: number;
}

/** RFC 5545 §3.3.14 UTC-OFFSET, "+0100" or "-053000", in ms; undefined when unreadable. */
export function readUtcOffset(text: string): number | undefined {
  const match = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, hours, minutes, seconds] = match;
  const ms = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds ?? 0)) * 1000;
  if (ms >= MS_PER_DAY) return undefined;
  return sign === '-' ? -ms : ms;
}

/** How many RDATE values an observance lists, counted without reading them (a refusal must cost little). */
function rdateCount(component: ICalComponent): number {
  let count = 0;
  for (const rdate of propertiesOf(component, 'RDATE')) count += rdate.value.split(',').length;
  return count;
}

function readObservance(component: ICalComponent): Observance | undefined {
  const dtstart = propertyOf(component, 'DTSTART');
  const from = readUtcOffset(propertyOf(component, 'TZOFFSETFROM')?.value ?? '');
  const to = readUtcOffset(propertyOf(component, 'TZOFFSETTO')?.value ?? '');
  const start = dtstart === undefined ? null : readDateOrDateTime(dtstart.value);
  if (start === null || start.kind !== 'local' || from === undefined || to === undefined) return undefined;
  const observance: Observance = { start: start.wall, offsetFrom: from, offsetTo: to, rdates: [] };
  const rule = propertyOf(component, 'RRULE');
  if (rule !== undefined) {
    try {
      observance.rrule = parseRRule(rule.value, { enforceLimits: false });
    } catch {
      return undefined;
    }
  }
  for (const rdate of propertiesOf(component, 'RDATE')) {
    for (const text of rdate.value.split(',')) {
      const value = readDateOrDateTime(text);
      if (value?.kind === 'local') observance.rdates.push(value.wall);
    }
  }
  return observance;
}

/**
 * The most STANDARD/DAYLIGHT observances, and RDATE values in all, one VTIMEZONE may have: a tz database zone
 * written out with its whole history (vzic, tzurl) has a few dozen observances and a few hundred dates. A
 * larger one is not read (its TZID then names no zone), so no file can make each offset lookup walk thousands.
 */
export const MAX_OBSERVANCES = 200;
export const MAX_OBSERVANCE_DATES = 2_000;
/**
 * What one expansion of an observance's RRULE for one year is charged besides its steps: setting it up costs
 * about as much as a hundred steps (10 µs), and a file with many rules and values in many years asks for
 * thousands of them.
 */
const RULE_EXPANSION_STEPS = 100;

/** The index of the last onset at or before `instant` in onsets sorted by `at` (-1 when none is). */
function lastAtOrBefore(onsets: readonly Onset[], instant: number): number {
  let low = 0;
  let high = onsets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((onsets[middle] as Onset).at <= instant) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * The offsets a VTIMEZONE defines, for a TZID that names no zone of the tz database (RFC 5545 §3.6.5):
 * each observance's onsets from its DTSTART, RDATEs and RRULE (expanded by the domain's recurrence
 * engine, one year at a time, remembered per year). The DTSTART and RDATE onsets are sorted once, so a
 * lookup costs a binary search, not a walk over every observance.
 */
export class VTimezoneRules {
  private readonly onsetsByYear = new Map<number, Onset[]>();
  /** Every DTSTART and RDATE onset, by instant (observances' order kept among equal instants). */
  private readonly fixedOnsets: Onset[];
  /** The observances with an RRULE: the only ones expanded per year. */
  private readonly ruled: Observance[];
  /** The offset before the earliest observance. */
  private readonly offsetBeforeAll: number;

  private constructor(
    readonly tzid: string,
    observances: Observance[],
    private readonly budget: ExpansionBudget | undefined,
  ) {
    this.fixedOnsets = observances
      .flatMap((o) => [o.start, ...o.rdates].map((wall) => ({ at: wall - o.offsetFrom, before: o.offsetFrom, after: o.offsetTo })))
      .sort((a, b) => a.at - b.at);
    this.ruled = observances.filter((o) => o.rrule !== undefined);
    let earliest = observances[0] as Observance;
    for (const o of observances) if (o.start < earliest.start) earliest = o;
    this.offsetBeforeAll = earliest.offsetFrom;
  }

  /**
   * Undefined when it has no readable observance, or more than MAX_OBSERVANCES observances or
   * MAX_OBSERVANCE_DATES RDATE values. `budget`: the expansion work the file's rules may take (a file's
   * VTIMEZONE rules are untrusted input as much as its events' are).
   */
  static of(component: ICalComponent, budget?: ExpansionBudget): VTimezoneRules | undefined {
    const observances: Observance[] = [];
    let dates = 0;
    for (const child of component.components) {
      if (child.name !== 'STANDARD' && child.name !== 'DAYLIGHT') continue;
      if (observances.length >= MAX_OBSERVANCES) return undefined;
      // Counted before any is read: a file of 20,000 dates is refused for the price of splitting them.
      dates += rdateCount(child);
      if (dates > MAX_OBSERVANCE_DATES) return undefined;
      const observance = readObservance(child);
      if (observance === undefined) continue;
      observances.push(observance);
    }
    if (observances.length === 0) return undefined;
    return new VTimezoneRules(propertyOf(component, 'TZID')?.value ?? '', observances, budget);
  }

  /** Onsets whose instants fall in UTC year `year` (with a day's margin on each side), ascending. */
  private onsetsOfYear(year: number): Onset[] {
    const known = this.onsetsByYear.get(year);
    if (known !== undefined) return known;
    const from = Date.UTC(year, 0, 1) - MS_PER_DAY;
    const to = Date.UTC(year + 1, 0, 1) + MS_PER_DAY;
    const onsets: Onset[] = [];
    for (let i = lastAtOrBefore(this.fixedOnsets, from - 1) + 1; i < this.fixedOnsets.length && (this.fixedOnsets[i] as Onset).at < to; i++) onsets.push(this.fixedOnsets[i] as Onset);
    for (const o of this.ruled) {
      const add = (wall: number) => {
        const at = wall - o.offsetFrom;
        if (at >= from && at < to) onsets.push({ at, before: o.offsetFrom, after: o.offsetTo });
      };
      if (o.rrule !== undefined && o.start < to + MS_PER_DAY) {
        if (this.budget?.take(RULE_EXPANSION_STEPS) === false) throw new TimeValueError(`TZID "${this.tzid.slice(0, 64)}": its VTIMEZONE rules take more expansion work than one file may`);
        // Wall times expanded as UTC: the rule repeats local times of the offset before each onset.
        const series = { timeZone: 'UTC', dtstart: formatWallTime(o.start), rrule: o.rrule, rdates: [], exdates: [] };
        const expansion = expandSeriesBounded(series, { from: from - MS_PER_DAY, to: to + MS_PER_DAY }, { cap: 400, ...(this.budget ? { budget: this.budget } : {}) });
        if (this.budget?.exhausted) throw new TimeValueError(`TZID "${this.tzid.slice(0, 64)}": its VTIMEZONE rules take more expansion work than one file may`);
        for (const occurrence of expansion.occurrences) add(occurrence.start);
      }
    }
    onsets.sort((a, b) => a.at - b.at);
    this.onsetsByYear.set(year, onsets);
    return onsets;
  }

  /** Every onset in [from, to), ascending. */
  onsetsBetween(from: number, to: number): Onset[] {
    const found: Onset[] = [];
    const first = new Date(from).getUTCFullYear();
    const last = new Date(to).getUTCFullYear();
    for (let year = first; year <= last && year - first < 10; year++) {
      for (const onset of this.onsetsOfYear(year)) if (onset.at >= from && onset.at < to && found[found.length - 1]?.at !== onset.at) found.push(onset);
    }
    return found;
  }

  /**
   * The offset (ms east of UTC) in force at an instant: that of the latest onset at or before it (rule
   * onsets of this and the previous year, and every DTSTART and RDATE onset), else the offset before the
   * first observance.
   */
  offsetAt(instant: number): number {
    let latest: { at: number; offset: number } | undefined;
    const consider = (at: number, offset: number) => {
      if (at <= instant && (latest === undefined || at >= latest.at)) latest = { at, offset };
    };
    const year = new Date(instant).getUTCFullYear();
    for (const onset of this.onsetsOfYear(year - 1)) consider(onset.at, onset.after);
    for (const onset of this.onsetsOfYear(year)) consider(onset.at, onset.after);
    const fixed = this.fixedOnsets[lastAtOrBefore(this.fixedOnsets, instant)];
    if (fixed !== undefined) consider(fixed.at, fixed.after);
    return latest?.offset ?? this.offsetBeforeAll;
  }

  /**
   * The instant of a wall time (ms on the local clock), RFC 5545 §3.3.5: a time in a gap moves forward
   * by the gap, a repeated one is its first occurrence (Temporal's 'compatible', as ZoneClock.instantOf).
   */
  instantOf(wall: number): number {
    return compatibleInstant(wall, (epochMs) => this.offsetAt(epochMs)) ?? wall - this.offsetAt(wall - MS_PER_DAY);
  }
}
