import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, weekdayOf } from './calendar';
import type { CompiledRule } from './compiledRule';
import { selectPositions } from './setPositions';

/**
 * Instances per period when every period after the first has as many (DAILY and finer with no limiting
 * part, WEEKLY without BYMONTH), else null. For those rules the number of instances before any period is
 * arithmetic, so a COUNT rule is fast-forwarded like an endless one instead of walked from DTSTART.
 */
export function fixedPeriodCount(rule: CompiledRule): number | null {
  let candidates: number;
  if (rule.freq === 'WEEKLY') {
    if (rule.months !== null || rule.weekdays === null || rule.ordinals.length > 0) return null;
    candidates = rule.weekdays.reduce((n, on) => n + on, 0) * rule.times.length;
  } else if (rule.freq === 'DAILY' || rule.freq === 'HOURLY' || rule.freq === 'MINUTELY') {
    const limited = rule.months !== null || rule.monthDays !== null || rule.yearDays !== null || rule.weekdays !== null;
    if (limited || rule.hours !== null || rule.minutes !== null) return null;
    candidates = rule.times.length;
  } else {
    return null;
  }
  return rule.setPos.length > 0 ? selectPositions(candidates, rule.setPos).length : candidates;
}

/** How many instances the first period has after DTSTART (its earlier candidates are not instances). */
export function firstPeriodCount(rule: CompiledRule): number {
  let unit = MS_PER_DAY;
  const bases: number[] = [];
  if (rule.freq === 'WEEKLY') {
    const firstWeek = rule.startDay - ((weekdayOf(rule.startDay) - rule.wkst + 7) % 7);
    for (let offset = 0; offset < 7; offset++) if (rule.weekdays?.[(rule.wkst + offset) % 7] === 1) bases.push(firstWeek + offset);
  } else if (rule.freq === 'DAILY') {
    bases.push(rule.startDay);
  } else {
    unit = rule.freq === 'HOURLY' ? MS_PER_HOUR : MS_PER_MINUTE;
    bases.push(Math.floor(rule.startWall / unit));
  }
  const perBase = rule.times.length;
  const total = bases.length * perBase;
  const positions = rule.setPos.length > 0 ? selectPositions(total, rule.setPos) : Array.from({ length: total }, (_, i) => i);
  return positions.filter((i) => (bases[Math.floor(i / perBase)] ?? 0) * unit + (rule.times[i % perBase] ?? 0) > rule.startWall).length;
}
