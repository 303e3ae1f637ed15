import { nominalStart } from '../calendar/occurrences';
import type { CalendarEventDetails } from '../aggregates/calendarEvent/state';
import { parseLocal } from '../recurrence/calendar';
import { wallTimeOf } from '../recurrence/nominalStart';
import { ZoneClock } from '../recurrence/zoneClock';
import { basicDate, basicLocal, utcDateTime } from './dateValues';

/**
 * A DATE-TIME property in the event's zone, RFC 5545 §3.3.5 form #3 (TZID): a series repeats wall times
 * (§3.3.10), so 09:00 stays 09:00 across DST changes. `nominal`: the wall time to write when the client
 * named one a DST gap moved (a series' DTSTART). An instant no wall time of the zone names on its own
 * (the second pass of a repeated hour) is written in UTC (form #2), so that it reads back as itself.
 */
export function zonedDateTime(name: string, instant: number, zone: string, nominal?: string): string {
  const wall = nominal ?? wallTimeOf(instant, zone);
  const parsed = parseLocal(wall);
  if (parsed?.kind === 'local' && ZoneClock.of(zone).instantOf(parsed.wall) === instant) return `${name};TZID=${zone}:${basicLocal(wall)}`;
  return `${name}:${utcDateTime(instant)}`;
}

/** RFC 5545 §3.3.4 DATE property. */
export const dateProperty = (name: string, date: string): string => `${name};VALUE=DATE:${basicDate(date)}`;

type Timed = Pick<CalendarEventDetails, 'startTime' | 'startLocal' | 'timeZone' | 'allDay' | 'startDate'>;

/**
 * The form in which an occurrence of `event` is named (RECURRENCE-ID, EXDATE): as the series' DTSTART
 * names its first, in its zone; a date for all-day series.
 */
export function occurrenceProperty(name: string, event: Timed, originalStart: string): string {
  if (event.allDay) return dateProperty(name, originalStart.slice(0, 10));
  const at = Date.parse(originalStart);
  return zonedDateTime(name, at, event.timeZone, at === Date.parse(event.startTime) ? nominalStart(event) : undefined);
}

/** DTSTART and DTEND of a master or an override, in the event's zone (dates for all-day). */
export function eventTimes(event: Timed, times: { startTime: string; endTime: string; startDate: string | null; endDate: string | null }, isSeriesStart: boolean): string[] {
  if (event.allDay && times.startDate !== null && times.endDate !== null) return [dateProperty('DTSTART', times.startDate), dateProperty('DTEND', times.endDate)];
  const start = Date.parse(times.startTime);
  return [
    zonedDateTime('DTSTART', start, event.timeZone, isSeriesStart ? nominalStart(event) : undefined),
    zonedDateTime('DTEND', Date.parse(times.endTime), event.timeZone),
  ];
}

/** RFC 4791 §9.6.5: expanded instances carry UTC times (dates stay dates). */
export function utcTimes(allDay: boolean, times: { startTime: string; endTime: string; startDate: string | null; endDate: string | null }): string[] {
  if (allDay && times.startDate !== null && times.endDate !== null) return [dateProperty('DTSTART', times.startDate), dateProperty('DTEND', times.endDate)];
  return [`DTSTART:${utcDateTime(times.startTime)}`, `DTEND:${utcDateTime(times.endTime)}`];
}
