import { DomainError, type EventTiming, eventTimesProblems, type FieldError, isValidTimeZone } from '@datebook/shared-kernel';
import { Temporal } from 'temporal-polyfill';

/** Timing fields as a client may send them (Google Calendar's API shapes). */
export interface TimingInput {
  startTime?: string;
  endTime?: string;
  duration?: string;
  startDate?: string;
  endDate?: string;
  timeZone?: string;
}

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant of a time written exactly as `Date.toISOString` writes it (what most clients send), without
 * Temporal's parser: a string that reads back the same names exactly that millisecond, and an impossible
 * date never does. Undefined for any other form.
 */
function canonicalInstant(value: string): number | undefined {
  if (value.length !== 24 || value[23] !== 'Z') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || new Date(ms).toISOString() !== value ? undefined : ms;
}

export const hasTiming = (input: TimingInput) =>
  [input.startTime, input.endTime, input.duration, input.startDate, input.endDate, input.timeZone].some((v) => v !== undefined);

function keptLength(current: EventTiming | undefined, start: Temporal.PlainDate | undefined): Temporal.PlainDate | undefined {
  if (!current?.allDay || !current.startDate || !current.endDate || !start) return undefined;
  return start.add(Temporal.PlainDate.from(current.startDate).until(Temporal.PlainDate.from(current.endDate)));
}

/**
 * The wall time a start without offset names, "YYYY-MM-DDTHH:mm:ss" (whole seconds only: that is what a
 * DTSTART can hold); null for anything else.
 */
function namedWallTime(value: string | undefined): string | null {
  if (value === undefined || !LOCAL.test(value)) return null;
  try {
    const wall = Temporal.PlainDateTime.from(value);
    if (wall.millisecond !== 0 || wall.microsecond !== 0 || wall.nanosecond !== 0) return null;
    return wall.toString({ smallestUnit: 'second' });
  } catch {
    return null;
  }
}

/**
 * Resolves what the client sent into instants (and dates for all-day events), merged over `current`.
 * A time without offset is a wall time in `timeZone`, read as RFC 5545 §3.3.5 says (a skipped time
 * moves forward, a repeated one takes the first): Temporal's 'compatible'. That wall time is kept as
 * `startLocal` (a series repeats it, §3.3.10, though its first start moved out of a gap), as is the
 * current one while the start and zone stay. Errors name the field.
 */
export function resolveTiming(input: TimingInput, current: EventTiming | undefined, defaultZone: string): EventTiming {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => {
    errors.push({ path, message });
    return undefined;
  };
  const timeZone = input.timeZone ?? current?.timeZone ?? defaultZone;
  const zoneKnown = isValidTimeZone(timeZone);
  if (!zoneKnown) fail('timeZone', 'not a known IANA time zone');

  const instant = (path: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    try {
      if (WITH_OFFSET.test(value)) return canonicalInstant(value) ?? Temporal.Instant.from(value).epochMilliseconds;
      if (LOCAL.test(value)) {
        if (input.timeZone === undefined && current === undefined) return fail(path, 'a time without offset needs timeZone');
        // The zone's own error already names timeZone; the wall time itself may be fine.
        if (!zoneKnown) return undefined;
        return Temporal.PlainDateTime.from(value).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
      }
    } catch {
      return fail(path, 'not a valid date-time');
    }
    return fail(path, 'expected RFC 3339, e.g. 2030-06-05T09:00:00+02:00, or a local time with timeZone');
  };
  const date = (path: string, value: string | undefined): Temporal.PlainDate | undefined => {
    if (value === undefined) return undefined;
    if (!DATE.test(value)) return fail(path, 'expected YYYY-MM-DD');
    try {
      return Temporal.PlainDate.from(value, { overflow: 'reject' });
    } catch {
      return fail(path, 'not a valid date');
    }
  };
  const duration = (() => {
    if (input.duration === undefined) return undefined;
    try {
      const parsed = Temporal.Duration.from(input.duration);
      if (parsed.sign <= 0 || parsed.years !== 0 || parsed.months !== 0) return fail('duration', 'give a positive duration in weeks, days, hours or minutes');
      return parsed;
    } catch {
      return fail('duration', 'expected ISO 8601, e.g. PT60M');
    }
  })();
  if (input.duration !== undefined && (input.endTime !== undefined || input.endDate !== undefined)) fail('duration', 'give duration or an end, not both');

  const allDay = input.startDate !== undefined || input.endDate !== undefined || (input.startTime === undefined && input.endTime === undefined && (current?.allDay ?? false));
  if (allDay && (input.startTime !== undefined || input.endTime !== undefined)) fail('startDate', 'an event has start/end dates (all day) or times, not both');

  let timing: EventTiming | undefined;
  try {
    timing = derive();
  } catch (error) {
    // Temporal refuses arithmetic past its own range (e.g. year 9999 plus P100000W).
    if (!(error instanceof RangeError)) throw error;
    fail(input.duration !== undefined ? 'duration' : allDay ? 'endDate' : 'endTime', 'the end falls outside the supported range');
  }
  if (timing) {
    const fields = allDay
      ? { start: 'startDate', end: input.duration !== undefined ? 'duration' : 'endDate' }
      : { start: 'startTime', end: input.duration !== undefined ? 'duration' : 'endTime' };
    // Ordering is the decider's (INVALID_TIME_RANGE); the edge names what lies outside the domain.
    errors.push(...eventTimesProblems(timing.startTime, timing.endTime, fields).filter((p) => p.message !== 'must be after the start'));
  }
  if (errors.length > 0 || timing === undefined) throw new DomainError('VALIDATION_FAILED', 'the event times are invalid', errors);
  return timing;

  function derive(): EventTiming | undefined {
    if (allDay) {
      const start = date('startDate', input.startDate) ?? (current?.startDate ? Temporal.PlainDate.from(current.startDate) : undefined);
      if (start === undefined && errors.length === 0) fail('startDate', 'required');
      const end = date('endDate', input.endDate)
        ?? (duration && start ? start.add({ days: duration.days + duration.weeks * 7 }) : undefined)
        ?? keptLength(current, start)
        ?? start?.add({ days: 1 });
      if (duration && (duration.hours !== 0 || duration.minutes !== 0 || duration.seconds !== 0)) fail('duration', 'an all-day event lasts whole days');
      if (start && end) {
        return {
          startTime: `${start.toString()}T00:00:00.000Z`, endTime: `${end.toString()}T00:00:00.000Z`, timeZone,
          allDay: true, startDate: start.toString(), endDate: end.toString(), startLocal: null,
        };
      }
    } else {
      const start = instant('startTime', input.startTime) ?? (current && !current.allDay ? Date.parse(current.startTime) : undefined);
      if (start === undefined && errors.length === 0) fail('startTime', 'required');
      let end = instant('endTime', input.endTime);
      if (end === undefined && duration && start !== undefined && zoneKnown) {
        end = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(timeZone).add(duration).epochMilliseconds;
      }
      // Moving only the start keeps the length.
      if (end === undefined && current && !current.allDay && start !== undefined) end = start + Date.parse(current.endTime) - Date.parse(current.startTime);
      if (end === undefined && errors.length === 0) fail('endTime', 'required (or give duration)');
      if (start !== undefined && end !== undefined) {
        const startLocal = input.startTime !== undefined
          ? namedWallTime(input.startTime)
          : current !== undefined && !current.allDay && current.timeZone === timeZone ? (current.startLocal ?? null) : null;
        return { startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString(), timeZone, allDay: false, startDate: null, endDate: null, startLocal };
      }
    }
    return undefined;
  }
}
