import type { ICalComponent } from './components';
import { paramOf } from './contentLines';
import { readDateOrDateTime, utcDateTime } from './dateValues';
import { TimeValueError, type TimeContext } from './propertyTimes';
import { recurrenceProperty } from './recurrenceProperties';

/**
 * The most RDATE and EXDATE values one event may list: each may cost an expansion when written (a new
 * EXDATE cancels its occurrence), and the export writes at most this many per line (recurrenceProperty).
 */
export const MAX_LISTED_DATES = 1_000;

/** Recurrence lines in the domain's form, each with the file line it came from. */
export interface DraftRecurrence {
  lines: string[];
  /** Physical line of each entry of `lines` (for a merged line, its first property's). */
  fileLines: number[];
}

/**
 * The master's RRULE, RDATE and EXDATE (RFC 5545 §3.8.5) as the domain stores a client's recurrence
 * lines: TZIDs resolved to IANA names (the domain expands lists in known zones only), values of a zone
 * known only by its VTIMEZONE's offsets written in UTC, RDATE PERIODs by their starts, and dates or
 * date-times with the same parameters merged into one line. Throws TimeValueError naming the property.
 */
export function recurrenceOf(master: ICalComponent, context: TimeContext): DraftRecurrence {
  const rules: DraftRecurrence = { lines: [], fileLines: [] };
  const lists = new Map<string, { values: string[]; line: number }>();
  let listed = 0;
  const add = (prefix: string, value: string, line: number) => {
    const list = lists.get(prefix);
    if (list === undefined) lists.set(prefix, { values: [value], line });
    else list.values.push(value);
  };
  for (const property of master.properties) {
    if (property.name === 'RRULE') {
      const value = property.value.trim();
      rules.lines.push(recurrenceProperty(`RRULE:${value}`) ?? `RRULE:${value}`);
      rules.fileLines.push(property.line);
      continue;
    }
    if (property.name !== 'RDATE' && property.name !== 'EXDATE') continue;
    const name = property.name;
    const valueType = paramOf(property, 'VALUE')?.toUpperCase();
    const tzid = paramOf(property, 'TZID');
    for (const item of property.value.split(',')) {
      // RDATE;VALUE=PERIOD (§3.3.9): the domain's series give every instance the same length, so the start is kept.
      const text = (valueType === 'PERIOD' ? (item.split('/')[0] ?? '') : item).trim().toUpperCase();
      if (text === '') continue;
      if (++listed > MAX_LISTED_DATES) throw new TimeValueError(`${name}: more than ${MAX_LISTED_DATES} RDATE and EXDATE values`);
      const value = readDateOrDateTime(text);
      if (value === null) throw new TimeValueError(`${name}: "${text.slice(0, 40)}" is not a DATE or DATE-TIME`);
      if (value.kind === 'date') add(`${name};VALUE=DATE`, text, property.line);
      else if (value.kind === 'utc' || tzid === undefined) add(name, text, property.line);
      else {
        const zone = context.resolver.resolve(tzid, value.wall);
        if (zone === undefined) throw new TimeValueError(`${name}: TZID "${tzid.slice(0, 64)}" is neither a known time zone nor defined by a VTIMEZONE`);
        if (zone.kind === 'iana') add(`${name};TZID=${zone.zone}`, text, property.line);
        else add(name, utcDateTime(zone.rules.instantOf(value.wall)), property.line);
      }
    }
  }
  for (const [prefix, list] of lists) {
    rules.lines.push(`${prefix}:${list.values.join(',')}`);
    rules.fileLines.push(list.line);
  }
  return rules;
}
