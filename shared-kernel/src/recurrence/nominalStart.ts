import { formatWallTime, parseLocal } from './calendar';
import { ZoneClock } from './zoneClock';

/** A nominal local start as events carry it: "YYYY-MM-DDTHH:mm:ss", wall time in the event's zone. */
export const NOMINAL_START_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The wall-clock reading ("YYYY-MM-DDTHH:mm:ss") of an instant in a zone. */
export function wallTimeOf(epochMs: number, timeZone: string): string {
  return formatWallTime(ZoneClock.of(timeZone).wallAt(epochMs));
}

/**
 * The instant a wall time ("YYYY-MM-DDTHH:mm:ss") names in a zone, RFC 5545 §3.3.5 (a skipped time moves
 * forward, a repeated one is its first pass); undefined for text of another form. Plain arithmetic on the
 * zone's offsets: Temporal's objects cost tens of µs a value, which a list of hundreds of dates repeats.
 */
export function instantOfWallTime(wallTime: string, timeZone: string): number | undefined {
  const parsed = parseLocal(wallTime);
  return parsed?.kind === 'local' ? ZoneClock.of(timeZone).instantOf(parsed.wall) : undefined;
}

/**
 * The nominal start of a timed event: the wall time its DTSTART;TZID=… names (RFC 5545 §3.3.5 form #3),
 * which a series repeats (§3.3.10). It is the instant's own wall time except when the client named a
 * time a DST change skips: 02:30 on a day that jumps from 02:00 to 03:00 starts at 03:30 (§3.3.5), yet
 * the rule still generates 02:30 on every other day. `startLocal` keeps that wall time. It is ignored
 * when absent (events written before it, or a start given as an instant) or when it does not resolve to
 * `startInstant` (a copy whose start moved without it): the instant's wall time is then the nominal one.
 */
export function nominalStartOf(startInstant: number, timeZone: string, startLocal?: string | null): string {
  const clock = ZoneClock.of(timeZone);
  if (startLocal !== undefined && startLocal !== null) {
    const parsed = parseLocal(startLocal);
    if (parsed !== null && parsed.kind === 'local' && clock.instantOf(parsed.wall) === startInstant) return formatWallTime(parsed.wall);
  }
  return formatWallTime(clock.wallAt(startInstant));
}
