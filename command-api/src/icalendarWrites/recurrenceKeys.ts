import { type EventTiming, instantOfWallTime, isoInstant, parseRecurrenceLines, recurrenceProperty, wallTimeOf } from '@datebook/shared-kernel';

/**
 * A series' recurrence lines compared by meaning, not by text: the rule as written anew (upper case, the
 * grammar's form), RDATE and EXDATE as the occurrence keys they name (UTC instants, dates for all-day
 * series), so that lines merged, split or written with another TZID compare equal when they say the same.
 * A DATE in the list of a series with times (every occurrence of that day) has no single key and stays text.
 */
export interface RecurrenceMeaning {
  rules: string[];
  rdates: Set<string>;
  exdates: Set<string>;
}

type SeriesTiming = Pick<EventTiming, 'timeZone' | 'allDay'>;

/** The occurrence key of a list value as parseRecurrenceLines gives it, or undefined for a day of a timed series. */
function keyOf(value: string, timing: SeriesTiming): string | undefined {
  if (timing.allDay) return value.slice(0, 10);
  if (value.length === 10) return undefined;
  if (value.endsWith('Z')) return isoInstant(Date.parse(value));
  const at = instantOfWallTime(value, timing.timeZone);
  return at === undefined ? undefined : isoInstant(at);
}

export function meaningOf(lines: readonly string[], timing: SeriesTiming): RecurrenceMeaning {
  const meaning: RecurrenceMeaning = { rules: [], rdates: new Set(), exdates: new Set() };
  for (const line of lines) {
    const name = /^\s*([A-Za-z-]+)/.exec(line)?.[1]?.toUpperCase();
    let parsed: ReturnType<typeof parseRecurrenceLines> | undefined;
    try {
      parsed = name === 'RDATE' || name === 'EXDATE' ? parseRecurrenceLines([line], timing.timeZone, { enforceLimits: false }) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      meaning.rules.push(recurrenceProperty(line) ?? line);
      continue;
    }
    for (const value of name === 'RDATE' ? parsed.rdates : parsed.exdates) {
      const key = keyOf(value, timing);
      if (key === undefined) meaning.rules.push(`${name}:${value}`);
      else (name === 'RDATE' ? meaning.rdates : meaning.exdates).add(key);
    }
  }
  meaning.rules.sort();
  return meaning;
}

export const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((v) => b.has(v));
export const sameRules = (a: RecurrenceMeaning, b: RecurrenceMeaning) =>
  a.rules.length === b.rules.length && a.rules.every((rule, i) => rule === b.rules[i]) && sameSet(a.rdates, b.rdates);

/**
 * EXDATE lines for occurrence keys, in the series' terms: dates for all-day series, else the wall time in
 * the series' zone (one line), or UTC for an instant no wall time names alone (a repeated hour's second pass).
 */
export function exdateLines(keys: Iterable<string>, timing: SeriesTiming): string[] {
  const sorted = [...keys].sort();
  if (sorted.length === 0) return [];
  if (timing.allDay) return [`EXDATE;VALUE=DATE:${sorted.map((date) => date.replace(/-/g, '')).join(',')}`];
  const zoned: string[] = [];
  const utc: string[] = [];
  for (const key of sorted) {
    const at = Date.parse(key);
    const wall = wallTimeOf(at, timing.timeZone);
    const back = instantOfWallTime(wall, timing.timeZone);
    if (back === at) zoned.push(wall.replace(/[-:]/g, ''));
    else utc.push(`${key.slice(0, 19).replace(/[-:]/g, '')}Z`);
  }
  return [...(zoned.length > 0 ? [`EXDATE;TZID=${timing.timeZone}:${zoned.join(',')}`] : []), ...(utc.length > 0 ? [`EXDATE:${utc.join(',')}`] : [])];
}
