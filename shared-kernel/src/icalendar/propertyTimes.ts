import { Temporal } from 'temporal-polyfill';
import { formatDate, formatWallTime } from '../recurrence/calendar';
import { ZoneClock } from '../recurrence/zoneClock';
import { type ContentLine, paramOf } from './contentLines';
import { durationMs, readDateOrDateTime, type DurationValue } from './dateValues';
import type { ZoneResolver } from './zoneResolution';

/** A DTSTART, DTEND, RECURRENCE-ID, … value in absolute terms. */
export type PropertyTime =
  | { kind: 'date'; date: string; day: number }
  | {
      kind: 'instant';
      epochMs: number;
      /** How it was written: RFC 5545 §3.3.5 form #2 (UTC), #3 (TZID: a known zone, or one known only by its VTIMEZONE's offsets) or #1 (floating). */
      form: 'utc' | 'zoned' | 'offsets' | 'floating';
      /** The IANA zone the value was written in (TZID, or the calendar's for a floating time); null for UTC or a zone known only by its offsets. */
      zone: string | null;
      /** The wall time as written ("YYYY-MM-DDTHH:mm:ss") when `zone` is set. */
      wall: string | null;
    };

/** What the values of one file are read with. */
export interface TimeContext {
  resolver: ZoneResolver;
  /** The calendar's zone: floating times (RFC 5545 §3.3.5 form #1) are read in it. */
  defaultZone: string;
}

/** A value of a property that is not readable, with what to tell. */
export class TimeValueError extends Error {}

/**
 * Reads one DATE or DATE-TIME value of `property` (its TZID and VALUE parameters applied): RFC 5545
 * §3.3.4/§3.3.5. A TZID is resolved by the file's ZoneResolver; an unknown one is an error.
 */
export function readPropertyTime(property: ContentLine, text: string, context: TimeContext): PropertyTime {
  const value = readDateOrDateTime(text);
  if (value === null) throw new TimeValueError(`${property.name}: "${text.slice(0, 40)}" is not a DATE or DATE-TIME`);
  const valueType = paramOf(property, 'VALUE')?.toUpperCase();
  if (valueType === 'DATE' && value.kind !== 'date') throw new TimeValueError(`${property.name}: VALUE=DATE but "${text.slice(0, 40)}" has a time`);
  if (value.kind === 'date') return { kind: 'date', date: formatDate(value.day), day: value.day };
  if (value.kind === 'utc') return { kind: 'instant', epochMs: value.epochMs, form: 'utc', zone: null, wall: null };
  const tzid = paramOf(property, 'TZID');
  if (tzid === undefined) {
    return { kind: 'instant', epochMs: ZoneClock.of(context.defaultZone).instantOf(value.wall), form: 'floating', zone: context.defaultZone, wall: formatWallTime(value.wall) };
  }
  const resolved = context.resolver.resolve(tzid, value.wall);
  if (resolved === undefined) throw new TimeValueError(`${property.name}: TZID "${tzid.slice(0, 64)}" is neither a known time zone nor defined by a VTIMEZONE`);
  if (resolved.kind === 'offsets') return { kind: 'instant', epochMs: resolved.rules.instantOf(value.wall), form: 'offsets', zone: null, wall: null };
  return { kind: 'instant', epochMs: ZoneClock.of(resolved.zone).instantOf(value.wall), form: 'zoned', zone: resolved.zone, wall: formatWallTime(value.wall) };
}

/** The property's single value as a time (multi-valued properties: see readPropertyTime per value). */
export function propertyTime(property: ContentLine, context: TimeContext): PropertyTime {
  return readPropertyTime(property, property.value, context);
}

/**
 * An instant plus a duration (RFC 5545 §3.3.6): weeks and days are nominal (the same wall time days
 * later, across DST changes) in `zone`; hours, minutes and seconds are exact.
 */
export function addDuration(epochMs: number, duration: DurationValue, zone: string | null): number {
  if (zone === null) return epochMs + durationMs(duration);
  const { sign, weeks, days, hours, minutes, seconds } = duration;
  return Temporal.Instant.fromEpochMilliseconds(epochMs)
    .toZonedDateTimeISO(zone)
    .add({ weeks: sign * weeks, days: sign * days, hours: sign * hours, minutes: sign * minutes, seconds: sign * seconds }).epochMilliseconds;
}

/** A date plus whole days of a duration; undefined when the duration has a time part. */
export function addDays(day: number, duration: DurationValue): number | undefined {
  if (duration.hours !== 0 || duration.minutes !== 0 || duration.seconds !== 0) return undefined;
  return day + duration.sign * (duration.weeks * 7 + duration.days);
}

export const dateOfDay = (day: number): string => formatDate(day);
