/**
 * Joins VCALENDAR objects rendered part by part (so a long calendar never holds the event loop for long) into
 * one: the first part's calendar properties, then `extraProperties`, one VTIMEZONE per TZID, every VEVENT, in
 * order. Each part's VTIMEZONE lists the observances its own events need (RFC 5545 §3.6.5: each with its
 * DTSTART), so a zone's observances are the union of the parts', each once, by start: the zone is then right
 * for every part's times. Works on content lines as RFC 5545 §3.1 writes them (CRLF; a folded line goes on
 * with a space or tab, so a line starting with BEGIN:/END: is never inside a value). Parts are taken one at a
 * time as they are rendered (`add`), so the join costs each part's own work, never a calendar's at once.
 */
export class CalendarObjectJoin {
  private header: string[] | undefined;
  private readonly zones = new Map<string, { properties: string[]; observances: Map<string, string[]> }>();
  /** Each component's lines, joined as they came. */
  private readonly events: string[] = [];

  add(part: string): this {
    const split = splitCalendarObject(part);
    this.header ??= split.properties;
    for (const zone of split.timeZones) {
      const kept = this.zones.get(zone.tzid) ?? { properties: zone.properties, observances: new Map<string, string[]>() };
      for (const observance of zone.observances) kept.observances.set(observance.join('\r\n'), observance);
      this.zones.set(zone.tzid, kept);
    }
    for (const event of split.components) this.events.push(event.join('\r\n'));
    return this;
  }

  text(extraProperties: readonly string[]): string {
    const timeZones = [...this.zones.values()].flatMap(({ properties, observances }) => [
      'BEGIN:VTIMEZONE', ...properties, ...[...observances.values()].sort((a, b) => dtstartOf(a).localeCompare(dtstartOf(b))).flat(), 'END:VTIMEZONE',
    ]);
    return ['BEGIN:VCALENDAR', ...(this.header ?? []), ...extraProperties, ...timeZones, ...this.events, 'END:VCALENDAR', ''].join('\r\n');
  }
}

/** The parts joined at once (see CalendarObjectJoin). */
export function mergeCalendarObjects(parts: readonly string[], extraProperties: readonly string[]): string {
  const join = new CalendarObjectJoin();
  for (const part of parts) join.add(part);
  return join.text(extraProperties);
}

interface SplitTimeZone {
  tzid: string;
  /** Its own properties (TZID, …), without BEGIN/END. */
  properties: string[];
  /** Its STANDARD and DAYLIGHT components, each whole. */
  observances: string[][];
}

interface SplitCalendarObject {
  properties: string[];
  timeZones: SplitTimeZone[];
  components: string[][];
}

function splitCalendarObject(text: string): SplitCalendarObject {
  const lines = text.split(/\r\n/);
  const result: SplitCalendarObject = { properties: [], timeZones: [], components: [] };
  let depth = 0;
  let current: string[] | undefined;
  for (const line of lines) {
    const upper = line.slice(0, 6).toUpperCase();
    if (upper.startsWith('BEGIN:')) {
      depth++;
      if (depth === 1) continue; // BEGIN:VCALENDAR
      if (depth === 2) current = [];
    }
    if (depth === 1 && line !== '' && !upper.startsWith('END:')) result.properties.push(line);
    if (depth >= 2) current?.push(line);
    if (upper.startsWith('END:')) {
      if (depth === 2 && current) {
        if (/^BEGIN:VTIMEZONE$/i.test(current[0] ?? '')) result.timeZones.push(splitTimeZone(current));
        else result.components.push(current);
        current = undefined;
      }
      depth--;
    }
  }
  return result;
}

/** A VTIMEZONE's lines (BEGIN to END) as its properties and its observances. */
function splitTimeZone(lines: readonly string[]): SplitTimeZone {
  const properties: string[] = [];
  const observances: string[][] = [];
  let observance: string[] | undefined;
  for (const line of lines.slice(1, -1)) {
    if (/^BEGIN:/i.test(line)) observance = [];
    if (observance) observance.push(line);
    else properties.push(line);
    if (/^END:/i.test(line) && observance) {
      observances.push(observance);
      observance = undefined;
    }
  }
  return { tzid: unfoldedValue(properties, 'TZID') ?? lines.join('\r\n'), properties, observances };
}

/** An observance's DTSTART value (local time, basic format: sorts as text). */
const dtstartOf = (observance: readonly string[]) => unfoldedValue(observance, 'DTSTART') ?? '';

/** The first `name` property's line with its continuation lines joined (RFC 5545 §3.1 unfolding), after the name. */
function unfoldedValue(lines: readonly string[], name: string): string | undefined {
  const start = lines.findIndex((line) => line.toUpperCase().startsWith(name) && /^[:;]/.test(line.slice(name.length)));
  if (start < 0) return undefined;
  let value = lines[start] as string;
  for (let i = start + 1; i < lines.length && /^[ \t]/.test(lines[i] as string); i++) value += (lines[i] as string).slice(1);
  return value.slice(name.length);
}
