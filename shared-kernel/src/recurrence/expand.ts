import { DOMAIN_END_MS } from '../time/validDomain';
import { ExpansionBudget } from './expansionBudget';
import { MAX_OFFSET, WALL_MARGIN, prepare, type RecurrenceSeries } from './seriesPlan';

export type { RecurrenceSeries } from './seriesPlan';
export { seriesEnd } from './seriesEnd';

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

export interface ExpansionOptions {
  /** At most this many occurrences (default DEFAULT_OCCURRENCE_CAP). */
  cap?: number;
  /** The work the expansion may do (default: a fresh budget of DEFAULT_EXPANSION_BUDGET steps). */
  budget?: ExpansionBudget;
}

/** An expansion with what a caller needs to treat a truncated one safely. */
export interface BoundedExpansion extends Expansion {
  /**
   * Every occurrence starting in [from, completeBefore) is in `occurrences`: `to` unless truncated,
   * else the first start left out by the cap or the start of what the budget did not reach.
   */
  completeBefore: number;
  /** Steps taken from the budget: deterministic, so tests assert the work instead of its timing. */
  steps: number;
}

export const DEFAULT_OCCURRENCE_CAP = 1000;

/**
 * The occurrences starting in [from, to), ascending, at most `cap`. The recurrence set is DTSTART,
 * the RRULE's instances and RDATE, minus EXDATE, compared as instants (RFC 5545 §3.8.5.3).
 */
export function expandSeries(series: RecurrenceSeries, window: ExpansionWindow, options?: ExpansionOptions): Expansion {
  const { occurrences, truncated } = expandSeriesBounded(series, window, options);
  return { occurrences, truncated };
}

/**
 * `expandSeries`, also saying how far the result is complete and what it cost. Its cost depends on the
 * window, not on the series' age: the walk jumps to the window (COUNT rules too where the instances per
 * period are fixed), stops after it, and stops anyway when the budget runs out, then `truncated`. Nothing
 * at or after the end of the valid domain (2200-01-01) is returned.
 */
export function expandSeriesBounded(series: RecurrenceSeries, window: ExpansionWindow, options?: ExpansionOptions): BoundedExpansion {
  const cap = options?.cap ?? DEFAULT_OCCURRENCE_CAP;
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`cap must be a non-negative integer, not ${cap}`);
  const budget = options?.budget ?? new ExpansionBudget();
  const spentBefore = budget.spent;
  const plan = prepare(series);
  const from = window.from;
  const to = Math.min(window.to, DOMAIN_END_MS);
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
  // The rule's instances are all known before this instant (the budget may stop the walk early).
  let ruleComplete = Infinity;
  if (plan.rule !== null && plan.until >= from && from < to) {
    // An instant is its wall time minus an offset under a day, so walls more than MAX_OFFSET outside the
    // window cannot start in it.
    const walked = plan.rule.run({ skipBefore: from - MAX_OFFSET, stopAfter: Math.min(to, plan.until) + MAX_OFFSET, budget }, (wall) => {
      if (wall - MAX_OFFSET >= bound) return false;
      // A COUNT rule walked from DTSTART: nothing to convert until near the window.
      if (wall + MAX_OFFSET < from) return true;
      const instant = plan.instantOf(wall);
      // RFC 5545 §3.3.10: UNTIL is inclusive. Wall order and instant order differ only around a
      // skipped gap, so a later wall time can still fall before UNTIL within the margin.
      if (instant > plan.until) return wall - WALL_MARGIN <= plan.until;
      add(instant);
      return true;
    });
    if (walked.completeBefore !== Infinity) ruleComplete = plan.allDay ? walked.completeBefore : walked.completeBefore - MAX_OFFSET;
  }

  const distinct = sortedUnique(found);
  const completeBefore = Math.min(to, distinct[cap] ?? Infinity, Math.max(from, ruleComplete));
  const kept = distinct.filter((start) => start < completeBefore).slice(0, cap);
  return {
    occurrences: kept.map((start) => ({ start, local: plan.localOf(start) })),
    truncated: completeBefore < to,
    completeBefore,
    steps: budget.spent - spentBefore,
  };
}

function sortedUnique(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const result: number[] = [];
  for (const value of sorted) if (result.length === 0 || result[result.length - 1] !== value) result.push(value);
  return result;
}
