import { Temporal } from 'temporal-polyfill';
import { ZoneClock } from '../recurrence/zoneClock';

/** UTC offset of `zone` at an instant, in minutes east of UTC, from the runtime's tz database. */
export function offsetMinutes(zone: string, epochMs: number): number {
  return Math.round(ZoneClock.of(zone).offsetAt(epochMs) / 60_000);
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

/**
 * Every change of offset in [from, to), each at its exact instant: one tz database lookup per change,
 * so a VTIMEZONE over decades costs what its transitions are, not one lookup per day.
 */
export function offsetTransitions(zone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let previous = offsetMinutes(zone, from);
  let zoned = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  for (;;) {
    const next = zoned.getTimeZoneTransition('next');
    if (next === null || next.epochMilliseconds >= to) break;
    const current = Math.round(next.offsetNanoseconds / 60e9);
    if (current !== previous) found.push({ at: next.epochMilliseconds, before: previous, after: current });
    previous = current;
    zoned = next;
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
