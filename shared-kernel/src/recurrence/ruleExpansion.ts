import { compileRule, type CompiledRule, type RuleStart } from './compiledRule';
import { isBarren } from './barrenRule';
import { firstPeriodCount, fixedPeriodCount } from './countFastForward';
import type { ExpansionBudget } from './expansionBudget';
import { LAST_WALL, type Walk, type WallTimeVisitor, walkPeriods } from './periodWalk';
import type { RRule } from './rrule';

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

/**
 * An RRULE compiled against its DTSTART into lookup tables (compiledRule.ts), expanded on wall-clock
 * time (RFC 5545 §3.3.10) without Temporal objects: periods stepped per FREQ and their candidates
 * emitted through BYSETPOS (periodWalk.ts), the days each period keeps (dayMatching.ts).
 */
export class RuleExpansion {
  private readonly rule: CompiledRule;
  /** True when the rule provably has no instance besides DTSTART. */
  private readonly barren: boolean;

  constructor(rule: RRule, start: RuleStart) {
    this.rule = compileRule(rule, start);
    this.barren = isBarren(this.rule, start);
  }

  /**
   * Visits the rule's instances after DTSTART in wall-time order, up to `limits.stopAfter` and at most
   * until the budget runs out. DTSTART itself counts as the first instance for COUNT (RFC 5545 §3.3.10)
   * and is left to the caller. Periods ending before `limits.skipBefore` are jumped over arithmetically,
   * for COUNT rules too when the instances per period are fixed; other COUNT rules (at most MAX_COUNT
   * instances when written) are walked from DTSTART.
   */
  run(limits: WalkLimits, visit: WallTimeVisitor): WalkOutcome {
    const rule = this.rule;
    const perFixedPeriod = rule.count === Infinity ? null : fixedPeriodCount(rule);
    const walk: Walk = {
      budget: limits.budget,
      stopAfter: Math.min(limits.stopAfter, LAST_WALL),
      counted: 1,
      exhaustedAt: Infinity,
      skippedPeriods: (periods) => {
        if (perFixedPeriod !== null && periods > 0) walk.counted = 1 + firstPeriodCount(rule) + (periods - 1) * perFixedPeriod;
      },
      days: [],
    };
    if (this.barren) return { completeBefore: Infinity };
    const skipTo = rule.count === Infinity || perFixedPeriod !== null ? limits.skipBefore : -Infinity;
    walkPeriods(rule, skipTo, walk, visit);
    return { completeBefore: walk.exhaustedAt };
  }
}
