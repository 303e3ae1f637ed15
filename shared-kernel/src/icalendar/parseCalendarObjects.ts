import { ExpansionBudget } from '../recurrence/expansionBudget';
import { type ICalComponent, propertyOf, readComponents } from './components';
import { readContentLines } from './contentLines';
import type { ParsedCalendarObjects, SkippedEvent } from './eventDraft';
import { ianaZoneName } from './ianaZoneName';
import { type ICalendarLimits, limitsWith } from './limits';
import { ICalendarSyntaxError } from './syntaxError';
import { unescapeText } from './textValue';
import { draftOfGroup, type VEventGroup } from './veventDraft';
import { ZoneResolver } from './zoneResolution';

export interface ParseOptions extends Partial<ICalendarLimits> {
  /** The calendar's IANA zone: floating times are read in it, all-day events get it. Default UTC. */
  defaultTimeZone?: string;
}

function utf8Length(text: string, stopAbove: number): number {
  if (text.length * 3 <= stopAbove) return text.length;
  let octets = 0;
  for (let i = 0; i < text.length && octets <= stopAbove; i++) {
    const code = text.charCodeAt(i);
    octets += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? (i++, 4) : 3;
  }
  return octets;
}

/** VEVENTs of every VCALENDAR grouped by UID, in the order their first VEVENT appears. */
function groupsOf(calendars: ICalComponent[], skipped: SkippedEvent[]): VEventGroup[] {
  const groups = new Map<string, VEventGroup>();
  for (const calendar of calendars) {
    for (const component of calendar.components) {
      if (component.name !== 'VEVENT') continue;
      const uidProperty = propertyOf(component, 'UID');
      const uid = uidProperty === undefined ? '' : unescapeText(uidProperty.value).trim();
      if (uid === '') {
        skipped.push({ uid: null, line: component.line, reason: 'no UID' });
        continue;
      }
      let group = groups.get(uid);
      if (group === undefined) {
        group = { uid, master: undefined, overrides: [] };
        groups.set(uid, group);
      }
      if (propertyOf(component, 'RECURRENCE-ID') !== undefined) group.overrides.push(component);
      else if (group.master === undefined) group.master = component;
      else skipped.push({ uid, line: component.line, reason: 'a second VEVENT with this UID and no RECURRENCE-ID' });
    }
  }
  return [...groups.values()];
}

/**
 * RFC 5545 text → the VEVENTs grouped by UID (master + RECURRENCE-ID overrides) as drafts in the domain's
 * terms. Throws ICalendarSyntaxError {line, reason} for unreadable input or a passed limit; problems of
 * single events (a rule the domain refuses, an unknown TZID, no DTSTART, …) go to `skipped`.
 * Time and memory are linear in the input, within ICalendarLimits.
 */
export function parseCalendarObjects(text: string, options?: ParseOptions): ParsedCalendarObjects {
  const limits = limitsWith(options);
  const defaultZone = ianaZoneName(options?.defaultTimeZone ?? 'UTC');
  if (defaultZone === undefined) throw new RangeError(`defaultTimeZone ${options?.defaultTimeZone} is not a known IANA zone`);
  if (utf8Length(text, limits.maxInputOctets) > limits.maxInputOctets) throw new ICalendarSyntaxError(1, `the input is larger than ${limits.maxInputOctets} octets`);
  const calendars = readComponents(readContentLines(text, limits), limits);
  const skipped: SkippedEvent[] = [];
  const budget = new ExpansionBudget(limits.maxRecurrenceSteps);
  const context = { resolver: ZoneResolver.of(calendars, budget), defaultZone, budget, maxOverrides: limits.maxOverridesPerEvent };
  const drafts = [];
  for (const group of groupsOf(calendars, skipped)) {
    const result = draftOfGroup(group, context);
    if (result.draft !== undefined) drafts.push(result.draft);
    skipped.push(...result.skipped);
  }
  skipped.sort((a, b) => a.line - b.line);
  return { drafts, skipped };
}
