import { MS_PER_DAY } from './calendar';
import { DOMAIN_END_MS } from '../time/validDomain';
import { DEFAULT_EXPANSION_BUDGET, ExpansionBudget } from './expansionBudget';
import { RecurrenceError } from './recurrenceError';
import { WALL_MARGIN, prepare, type RecurrenceSeries } from './seriesPlan';

/** Where a series ends, found under a budget. */
export interface SeriesExtent {
  /**
   * The start of its last occurrence before the end of the valid domain; +Infinity when it recurs
   * forever, or when the budget ran out before the end was found (`truncated`).
   */
  lastStart: number;
  truncated: boolean;
  /** Steps taken from the budget. */
  steps: number;
}

/**
 * Where a series ends, at a cost bounded by the budget: a COUNT rule is walked from DTSTART (at most
 * MAX_COUNT instances when written), an UNTIL rule is looked at backwards from UNTIL. A series whose
 * every occurrence is excluded ends at DTSTART. Compute it when the series is written and keep it: a
 * reader should never walk a series to find its end.
 */
export function seriesExtent(series: RecurrenceSeries, options?: { budget?: ExpansionBudget }): SeriesExtent {
  const budget = options?.budget ?? new ExpansionBudget();
  const spentBefore = budget.spent;
  const plan = prepare(series);
  const rule = plan.rule;
  const result = (lastStart: number, truncated = false): SeriesExtent => ({ lastStart, truncated, steps: budget.spent - spentBefore });
  if (rule !== null && series.rrule?.count === undefined && plan.until === Infinity) return result(Infinity);
  let last = -Infinity;
  const consider = (instant: number): void => {
    if (instant > last && instant < DOMAIN_END_MS && !plan.isExcluded(instant)) last = instant;
  };
  consider(plan.startInstant);
  plan.rdates.forEach(consider);
  const found = () => (Number.isFinite(last) ? last : plan.startInstant);
  if (rule === null) return result(found());

  if (series.rrule?.count !== undefined) {
    const walked = rule.run({ skipBefore: -Infinity, stopAfter: Infinity, budget }, (wall) => {
      consider(plan.instantOf(wall));
      return true;
    });
    return walked.completeBefore === Infinity ? result(found()) : result(Infinity, true);
  }
  // Look back from UNTIL in growing windows rather than expanding from DTSTART.
  const until = Math.min(plan.until, DOMAIN_END_MS - 1);
  for (let span = 366 * MS_PER_DAY; ; span *= 4) {
    const from = until - span;
    let latest = -Infinity;
    const walked = rule.run({ skipBefore: from - WALL_MARGIN, stopAfter: until + WALL_MARGIN, budget }, (wall) => {
      const instant = plan.instantOf(wall);
      if (instant > until) return wall - WALL_MARGIN <= until;
      if (instant >= from && instant > latest && !plan.isExcluded(instant)) latest = instant;
      return true;
    });
    if (walked.completeBefore !== Infinity) return result(Infinity, true);
    last = Math.max(last, latest);
    if (latest > -Infinity || from <= plan.startInstant) break;
  }
  return result(found());
}

/**
 * The start of the series' last occurrence, or null when it recurs forever (or its end is further
 * than the default budget can find). A series whose every occurrence is excluded ends at DTSTART.
 */
export function seriesEnd(series: RecurrenceSeries): number | null {
  const { lastStart } = seriesExtent(series);
  return Number.isFinite(lastStart) ? lastStart : null;
}

/**
 * Refuses (as a RecurrenceError on COUNT or UNTIL) a series whose end the default budget cannot find:
 * the reads of such a series could not be answered whole either. Check it when a series is written.
 */
export function requireBoundedExpansion(series: RecurrenceSeries): void {
  const extent = seriesExtent(series);
  if (!extent.truncated) return;
  const part = series.rrule?.count !== undefined ? 'COUNT' : 'UNTIL';
  throw new RecurrenceError(part, `the rule is too sparse to expand: finding its last instance takes more than ${DEFAULT_EXPANSION_BUDGET} steps of expansion; use fewer instances or a denser rule`);
}
