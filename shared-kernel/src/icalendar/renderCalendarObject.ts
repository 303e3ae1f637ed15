import { occurrenceSpan } from '../calendar/occurrences';
import { lexContentLine } from './contentLines';
import { foldLine } from './fold';
import { ianaZoneName } from './ianaZoneName';
import { eventComponents, expandedComponents } from './renderEvent';
import type { RenderInput, RenderOptions } from './renderInput';
import { buildVTimezone } from './vtimezone';

const YEAR_MS = 365.25 * 86_400_000;
// How far a VTIMEZONE lists observances past an endless series' start; clients keep the last one after that.
const ENDLESS_SERIES_YEARS = 10;
const LONGEST_LISTED_YEARS = 50;
const EPOCH = new Date(0);
const METHOD = /^[A-Z-]{1,32}$/;

/** The zones an event's TZIDs name: its own for timed events, and any in its RDATE/EXDATE lines. */
function zonesOf(input: RenderInput, known: Map<string, string | undefined>): string[] {
  const event = input.event;
  const zones = event.allDay ? [] : [event.timeZone];
  for (const line of event.recurrence) {
    const colon = line.indexOf(':');
    if (colon < 0 || !/TZID=/i.test(line.slice(0, colon))) continue;
    try {
      const tzid = lexContentLine(line, 0, 65_536).params.find((p) => p.name === 'TZID')?.values[0];
      if (tzid !== undefined && !known.has(tzid)) known.set(tzid, ianaZoneName(tzid));
      const zone = tzid === undefined ? undefined : known.get(tzid);
      if (zone !== undefined) zones.push(zone);
    } catch {
      // A line that does not lex is not written either (see recurrenceProperty).
    }
  }
  return zones;
}

/** [from, to) the event's times lie in, for its VTIMEZONE: a year before its start, at most 50 years after. */
function listedSpan(input: RenderInput): { from: number; to: number } {
  let span: { start: number; end: number };
  try {
    span = occurrenceSpan(input.event);
  } catch {
    span = { start: Date.parse(input.event.startTime), end: Number.POSITIVE_INFINITY };
  }
  const to = Number.isFinite(span.end) ? Math.min(span.end, span.start + LONGEST_LISTED_YEARS * YEAR_MS) : span.start + ENDLESS_SERIES_YEARS * YEAR_MS;
  return { from: span.start - YEAR_MS, to: to + 86_400_000 };
}

/**
 * A VCALENDAR (RFC 5545 §3.4) with a VTIMEZONE (§3.6.5) for every zone its events' TZIDs name, covering
 * their times, and each event written for its audience. `expand` writes occurrences in UTC instead
 * (RFC 4791 §9.6.5), without VTIMEZONEs. Lines are folded at 75 octets and end in CRLF.
 */
export function renderCalendarObject(events: readonly RenderInput[], options: RenderOptions = {}): string {
  const stamp = options.stamp ?? EPOCH;
  const head = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//Datebook Calendar//EN', 'CALSCALE:GREGORIAN'];
  const method = options.method?.toUpperCase();
  if (method !== undefined && METHOD.test(method)) head.push(`METHOD:${method}`);
  // Each event's text on its own: a calendar of thousands of events is never one array spread into another.
  const bodies: string[] = [];
  const spans = new Map<string, { from: number; to: number }>();
  // TZIDs of recurrence lines already looked up in this call (a lookup makes a formatter).
  const zoneNames = new Map<string, string | undefined>();
  for (const input of events) {
    if (options.expand) {
      bodies.push(written(expandedComponents(input, stamp, options.expand)));
      continue;
    }
    const zones = zonesOf(input, zoneNames);
    if (zones.length > 0) {
      const span = listedSpan(input);
      for (const zone of zones) {
        const known = spans.get(zone);
        spans.set(zone, known === undefined ? span : { from: Math.min(known.from, span.from), to: Math.max(known.to, span.to) });
      }
    }
    bodies.push(written(eventComponents(input, stamp)));
  }
  for (const zone of [...spans.keys()].sort()) {
    const span = spans.get(zone) as { from: number; to: number };
    head.push(...buildVTimezone(zone, span.from, span.to));
  }
  return `${written(head)}${bodies.join('')}END:VCALENDAR\r\n`;
}

/** Content lines folded at 75 octets, each ending in CRLF (RFC 5545 §3.1). */
function written(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) text += `${foldLine(line)}\r\n`;
  return text;
}
