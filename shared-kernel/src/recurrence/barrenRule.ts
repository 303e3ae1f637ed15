import { MS_PER_HOUR, MS_PER_MINUTE } from './calendar';
import type { CompiledRule, RuleStart } from './compiledRule';
import { selectPositions } from './setPositions';

/** True when the rule provably has no instance besides DTSTART, so a walk need not look for one. */
export function isBarren(rule: CompiledRule, start: RuleStart): boolean {
  return rule.times.length === 0 || neverAligned(rule, start) || emptyFixedPeriod(rule);
}

/**
 * HOURLY/MINUTELY reach only the hours (minutes) of the day congruent to DTSTART's modulo
 * gcd(INTERVAL, 24) (gcd(INTERVAL, 1440)); true when BYHOUR/BYMINUTE allow none of them.
 */
function neverAligned(rule: CompiledRule, start: RuleStart): boolean {
  if (rule.freq !== 'HOURLY' && rule.freq !== 'MINUTELY') return false;
  const perDay = rule.freq === 'HOURLY' ? 24 : 1440;
  const step = gcd(rule.interval, perDay);
  const first = Math.floor(start.timeOfDay / (rule.freq === 'HOURLY' ? MS_PER_HOUR : MS_PER_MINUTE)) % step;
  for (let slot = first; slot < perDay; slot += step) {
    const hour = rule.freq === 'HOURLY' ? slot : Math.floor(slot / 60);
    if (rule.hours !== null && rule.hours[hour] !== 1) continue;
    if (rule.freq === 'MINUTELY' && rule.minutes !== null && rule.minutes[slot % 60] !== 1) continue;
    return false;
  }
  return true;
}

/** DAILY and finer periods all have the same candidates per allowed day or slot; true when BYSETPOS keeps none. */
function emptyFixedPeriod(rule: CompiledRule): boolean {
  const fixed = rule.freq === 'DAILY' || rule.freq === 'HOURLY' || rule.freq === 'MINUTELY';
  return fixed && rule.setPos.length > 0 && selectPositions(rule.times.length, rule.setPos).length === 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
