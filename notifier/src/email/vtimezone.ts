const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `zone` at an instant, in minutes east of UTC, from the runtime's tz database. */
export function offsetMinutes(zone: string, epochMs: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, format);
  }
  const name = format.formatToParts(new Date(epochMs)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** RFC 5545 §3.3.5 form #1 (local time): the wall clock of `epochMs` at `offset` minutes. */
export function localDateTime(epochMs: number, offset: number): string {
  return new Date(epochMs + offset * 60_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

export interface Transition {
  at: number;
  before: number;
  after: number;
}

const DAY = 86_400_000;

/** Every change of offset in [from, to): found day by day, then narrowed to the second. */
export function offsetTransitions(zone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let previous = offsetMinutes(zone, from);
  for (let day = from + DAY; day < to + DAY; day += DAY) {
    const current = offsetMinutes(zone, day);
    if (current === previous) continue;
    let low = day - DAY;
    let high = day;
    while (high - low > 1_000) {
      const middle = low + Math.floor((high - low) / 2);
      if (offsetMinutes(zone, middle) === previous) low = middle;
      else high = middle;
    }
    found.push({ at: high, before: previous, after: current });
    previous = current;
  }
  return found;
}

const utcOffset = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
};

/**
 * RFC 5545 §3.6.5 VTIMEZONE for a TZID used by the event, with every observance between `from` and
 * `to` listed explicitly (DTSTART in the local time before the change, §3.8.3.3/§3.8.3.4), so the
 * client needs no tz database of its own to place the series' wall times.
 */
export function buildVTimezone(zone: string, from: number, to: number): string[] {
  const transitions = offsetTransitions(zone, from, to);
  const initial = offsetMinutes(zone, from);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const observance = (kind: 'STANDARD' | 'DAYLIGHT', start: string, before: number, after: number) => [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${utcOffset(before)}`,
    `TZOFFSETTO:${utcOffset(after)}`,
    `END:${kind}`,
  ];
  const first = transitions[0];
  // The offset in force before the first listed change (or all along): observed from `from` on.
  const daylightAtStart = first !== undefined && first.after < first.before;
  lines.push(...observance(daylightAtStart ? 'DAYLIGHT' : 'STANDARD', localDateTime(from, initial), initial, initial));
  for (const t of transitions) {
    lines.push(...observance(t.after > t.before ? 'DAYLIGHT' : 'STANDARD', localDateTime(t.at, t.before), t.before, t.after));
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
