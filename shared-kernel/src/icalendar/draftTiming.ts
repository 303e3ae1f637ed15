import type { EventTiming } from '../calendar/eventTiming';
import type { OccurrenceValues } from '../calendar/occurrenceValues';
import { isoInstant } from '../time/isoInstant';
import { eventTimesProblems } from '../time/validDomain';
import type { ICalComponent } from './components';
import { propertyOf } from './components';
import { readDuration } from './dateValues';
import { addDays, addDuration, dateOfDay, type PropertyTime, propertyTime, TimeValueError, type TimeContext } from './propertyTimes';

const MS_PER_DAY = 86_400_000;

/** A start and end read from DTSTART and DTEND or DURATION (RFC 5545 §3.6.1). */
type Span = { kind: 'dates'; startDay: number; endDay: number } | { kind: 'instants'; start: Extract<PropertyTime, { kind: 'instant' }>; end: number };

/**
 * DTSTART with DTEND, DURATION or the length of a default: an all-day event (DATE) without either lasts
 * one day; a timed one without either has no length (§3.6.1 makes it end at its start), which the domain
 * does not keep. `lengthIfMissing`: an override's series length.
 */
function spanOf(vevent: ICalComponent, context: TimeContext, lengthIfMissing?: { days: number; ms: number }): Span {
  const dtstart = propertyOf(vevent, 'DTSTART');
  if (dtstart === undefined) throw new TimeValueError('no DTSTART');
  const start = propertyTime(dtstart, context);
  const dtend = propertyOf(vevent, 'DTEND');
  const durationProperty = dtend === undefined ? propertyOf(vevent, 'DURATION') : undefined;
  const duration = durationProperty === undefined ? undefined : readDuration(durationProperty.value);
  if (duration === null) throw new TimeValueError(`DURATION: "${durationProperty?.value.slice(0, 40)}" is not a duration`);
  if (start.kind === 'date') {
    let endDay: number | undefined = start.day + (lengthIfMissing?.days ?? 1);
    if (dtend !== undefined) {
      const end = propertyTime(dtend, context);
      if (end.kind !== 'date') throw new TimeValueError('DTEND: a DATE-TIME cannot end an all-day event (DTSTART is a DATE)');
      endDay = end.day;
    } else if (duration !== undefined) {
      endDay = addDays(start.day, duration);
      if (endDay === undefined) throw new TimeValueError('DURATION: an all-day event lasts whole days');
    }
    return { kind: 'dates', startDay: start.day, endDay };
  }
  let end: number;
  if (dtend !== undefined) {
    const value = propertyTime(dtend, context);
    if (value.kind === 'date') throw new TimeValueError('DTEND: a DATE cannot end an event whose DTSTART has a time');
    end = value.epochMs;
  } else if (duration !== undefined) {
    try {
      end = addDuration(start.epochMs, duration, start.zone);
    } catch (error) {
      if (error instanceof RangeError) throw new TimeValueError('DURATION: the end falls outside the supported range');
      throw error;
    }
  } else if (lengthIfMissing !== undefined) {
    end = start.epochMs + lengthIfMissing.ms;
  } else {
    throw new TimeValueError('no DTEND or DURATION: an event with times and no length is not kept');
  }
  return { kind: 'instants', start, end };
}

function requireValid(startTime: string, endTime: string, endField: string): void {
  const problem = eventTimesProblems(startTime, endTime, { start: 'DTSTART', end: endField })[0];
  if (problem !== undefined) throw new TimeValueError(`${problem.path}: ${problem.message}`);
}

const endFieldOf = (vevent: ICalComponent) => (propertyOf(vevent, 'DTEND') !== undefined || propertyOf(vevent, 'DURATION') === undefined ? 'DTEND' : 'DURATION');

/**
 * A master VEVENT's timing as the domain keeps it (calendar/eventTiming.ts), read as the REST API reads
 * a request (command-api's resolveTiming): a wall time in a zone resolves RFC 5545 §3.3.5's way (a
 * skipped time moves forward, a repeated one is the first) and is kept as `startLocal`; all-day events
 * are their dates at 00:00 UTC in the calendar's zone. A timed DTSTART in UTC gives the calendar's zone
 * to a single event and UTC to a series (its rule repeats UTC times); a zone known only by its offsets
 * gives UTC.
 */
export function eventTimingOf(vevent: ICalComponent, recurring: boolean, context: TimeContext): EventTiming {
  const span = spanOf(vevent, context);
  let timing: EventTiming;
  if (span.kind === 'dates') {
    const startDate = dateOfDay(span.startDay);
    const endDate = dateOfDay(span.endDay);
    timing = { startTime: `${startDate}T00:00:00.000Z`, endTime: `${endDate}T00:00:00.000Z`, timeZone: context.defaultZone, allDay: true, startDate, endDate, startLocal: null };
  } else {
    const { start, end } = span;
    const timeZone = start.zone ?? (start.form === 'utc' && !recurring ? context.defaultZone : 'UTC');
    timing = {
      startTime: isoInstant(start.epochMs), endTime: isoInstant(end), timeZone, allDay: false, startDate: null, endDate: null,
      startLocal: start.zone === timeZone ? start.wall : null,
    };
  }
  requireValid(timing.startTime, timing.endTime, endFieldOf(vevent));
  return timing;
}

/**
 * An override's times (RFC 5545 §3.8.4.4), in the series' terms: dates for an all-day series, instants
 * otherwise; without DTEND or DURATION it keeps the series' length.
 */
export function overrideTimesOf(vevent: ICalComponent, series: EventTiming, context: TimeContext): Pick<OccurrenceValues, 'startTime' | 'endTime' | 'startDate' | 'endDate'> {
  const length = {
    days: series.allDay && series.startDate && series.endDate ? Math.round((Date.parse(series.endDate) - Date.parse(series.startDate)) / MS_PER_DAY) : 1,
    ms: Date.parse(series.endTime) - Date.parse(series.startTime),
  };
  const span = spanOf(vevent, context, length);
  if (series.allDay !== (span.kind === 'dates')) throw new TimeValueError(series.allDay ? 'DTSTART: an occurrence of an all-day series must be all-day (a DATE)' : 'DTSTART: an occurrence of a series with times must have a time');
  const times = span.kind === 'dates'
    ? { startTime: `${dateOfDay(span.startDay)}T00:00:00.000Z`, endTime: `${dateOfDay(span.endDay)}T00:00:00.000Z`, startDate: dateOfDay(span.startDay), endDate: dateOfDay(span.endDay) }
    : { startTime: isoInstant(span.start.epochMs), endTime: isoInstant(span.end), startDate: null, endDate: null };
  requireValid(times.startTime, times.endTime, endFieldOf(vevent));
  return times;
}
