/**
 * How much work one expansion may do before it stops and says `truncated`. One step is one period
 * stepped (a year, month, week, day, hour or minute of the rule's FREQ), one day scanned for a limiting
 * BYxxx part, or one candidate instant. A step costs 0.1–0.4 µs, so the default keeps one expansion
 * under about 40 ms whatever rule was stored (rules written before recurrenceLimits.ts had no limits),
 * while every series accepted now can be expanded whole within it (see `requireBoundedExpansion`).
 */
export const DEFAULT_EXPANSION_BUDGET = 100_000;

/**
 * A step counter with a ceiling. Pass one to several expansions to share a ceiling between them; the
 * count it ends with is deterministic, so tests can assert the work a read did instead of its timing.
 */
export class ExpansionBudget {
  private used = 0;
  private refused = false;

  constructor(readonly limit: number = DEFAULT_EXPANSION_BUDGET) {
    if (!(limit >= 0)) throw new RangeError(`an expansion budget must be non-negative, not ${limit}`);
  }

  /** Takes `steps`; false (taking nothing) when that would pass the limit, and the budget is then exhausted. */
  take(steps = 1): boolean {
    if (this.refused || this.used + steps > this.limit) {
      this.refused = true;
      return false;
    }
    this.used += steps;
    return true;
  }

  /** Steps taken so far. */
  get spent(): number {
    return this.used;
  }

  /** True once a request for steps was refused: whatever was expanding stopped early. */
  get exhausted(): boolean {
    return this.refused;
  }
}
