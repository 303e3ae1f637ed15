import { MS_PER_DAY, formatDate, formatWallTime, parseBasic } from './calendar';
import { RecurrenceError } from './recurrenceError';
import { enforcesLimits, type RecurrenceParseOptions, requireInDomain } from './recurrenceLimits';
import { parseRRule, type RRule } from './rrule';
import { ZoneClock } from './zoneClock';

/**
 * A recurrence value in the series' terms: "YYYY-MM-DD", a wall time "YYYY-MM-DDTHH:mm:ss" in the
 * series' zone, or "YYYY-MM-DDTHH:mm:ssZ" for an instant that no wall time of the zone names exactly
 * (the second pass of a repeated hour).
 */
export type LocalOrInstant = string;

export interface RecurrenceLines {
  rrule?: RRule;
  rdates: LocalOrInstant[];
  exdates: LocalOrInstant[];
}

/**
 * Parses a client's recurrence lines, as Google Calendar's API takes them ("RRULE:…", "EXDATE;TZID=…:…",
 * "RDATE;VALUE=DATE:…"), resolving every date-time into `timeZone`, the series' zone. Unless
 * `options.enforceLimits` is false, refuses what recurrenceLimits.ts forbids, dates outside the domain included.
 */
export function parseRecurrenceLines(lines: readonly string[], timeZone: string, options?: RecurrenceParseOptions): RecurrenceLines {
  const clock = ZoneClock.of(timeZone);
  const result: RecurrenceLines = { rdates: [], exdates: [] };
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new RecurrenceError('RRULE', `"${line}" is not a content line NAME[;PARAM=…]:VALUE`);
    const [rawName = '', ...params] = line.slice(0, colon).split(';');
    const name = rawName.trim().toUpperCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'RRULE') {
      if (result.rrule !== undefined) throw new RecurrenceError('RRULE', 'only one RRULE is supported');
      result.rrule = parseRRule(value, options);
    } else if (name === 'RDATE' || name === 'EXDATE') {
      const target = name === 'RDATE' ? result.rdates : result.exdates;
      target.push(...parseDateList(name, params, value, clock, enforcesLimits(options)));
    } else {
      throw new RecurrenceError('RRULE', `unsupported recurrence line ${name}`);
    }
  }
  return result;
}

// RFC 5545 §3.8.5.1/§3.8.5.2: a comma-separated DATE or DATE-TIME list, with optional VALUE and TZID.
function parseDateList(part: 'RDATE' | 'EXDATE', params: readonly string[], list: string, seriesClock: ZoneClock, inDomainOnly: boolean): LocalOrInstant[] {
  let valueType = 'DATE-TIME';
  let clock = seriesClock;
  for (const param of params) {
    const eq = param.indexOf('=');
    const key = param.slice(0, eq).toUpperCase();
    const raw = eq < 0 ? '' : param.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    if (key === 'VALUE') valueType = raw.toUpperCase();
    else if (key === 'TZID') clock = ZoneClock.of(raw);
  }
  if (valueType !== 'DATE' && valueType !== 'DATE-TIME') throw new RecurrenceError(part, `VALUE=${valueType} is not supported`);

  return list.split(',').map((text) => {
    const value = parseBasic(text.trim());
    if (value === null) throw new RecurrenceError(part, `"${text}" is not a valid DATE or DATE-TIME`);
    if ((value.kind === 'date') !== (valueType === 'DATE')) throw new RecurrenceError(part, `"${text}" is not a ${valueType}`);
    if (inDomainOnly) requireInDomain(part, value.kind === 'date' ? value.day * MS_PER_DAY : value.kind === 'utc' ? value.epochMs : clock.instantOf(value.wall), text.trim());
    if (value.kind === 'date') return formatDate(value.day);
    if (value.kind === 'local' && clock === seriesClock) return formatWallTime(value.wall);
    const instant = value.kind === 'utc' ? value.epochMs : clock.instantOf(value.wall);
    const wall = seriesClock.wallAt(instant);
    return seriesClock.instantOf(wall) === instant ? formatWallTime(wall) : `${formatWallTime(instant)}Z`;
  });
}
