import { Temporal } from 'temporal-polyfill';
import { type Interval, clipIntervals, isEmptyInterval, mergeIntervals } from '@datebook/shared-kernel';

/** ISO 8601 weekday: Monday = 1 … Sunday = 7 (Temporal's `dayOfWeek`). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Working hours on one weekday, as local wall-clock times "HH:MM" in the user's zone. "24:00" ends at
 * the next midnight; an end at or before the start runs past midnight into the next day (a night shift
 * is listed on the day it starts).
 */
export interface WorkingHoursEntry {
  readonly day: IsoWeekday;
  readonly start: string;
  readonly end: string;
}

export const DEFAULT_WORKING_HOURS: readonly WorkingHoursEntry[] = ([1, 2, 3, 4, 5] as const).map((day) => ({
  day,
  start: '09:00',
  end: '17:00',
}));

const END_OF_DAY = '24:00';

/**
 * A user's working hours inside `window` as merged UTC intervals. Each local day in `timeZone` is
 * resolved on its own, so 09:00–17:00 stays 09:00–17:00 on the wall clock across DST changes. A local
 * time that does not exist moves forward by the gap and an ambiguous one takes the earlier instant
 * (RFC 5545 §3.3.5; Temporal's 'compatible'). Work is proportional to the number of days in the window.
 */
export function workingHoursIntervals(
  timeZone: string,
  window: Interval,
  hours: readonly WorkingHoursEntry[] = DEFAULT_WORKING_HOURS,
): Interval[] {
  if (isEmptyInterval(window) || hours.length === 0) return [];
  const byWeekday = new Map<number, WorkingHoursEntry[]>();
  for (const entry of hours) byWeekday.set(entry.day, [...(byWeekday.get(entry.day) ?? []), entry]);

  // Start a day early: an entry running past midnight on the day before the window can reach into it.
  const firstDay = localDate(window.start, timeZone).subtract({ days: 1 });
  const lastDay = localDate(window.end, timeZone);
  const intervals: Interval[] = [];
  for (let day = firstDay; Temporal.PlainDate.compare(day, lastDay) <= 0; day = day.add({ days: 1 })) {
    for (const entry of byWeekday.get(day.dayOfWeek) ?? []) {
      intervals.push(entryOn(day, entry, timeZone));
    }
  }
  return mergeIntervals(clipIntervals(intervals, window));
}

function entryOn(day: Temporal.PlainDate, entry: WorkingHoursEntry, timeZone: string): Interval {
  const startTime = Temporal.PlainTime.from(entry.start);
  const endsAtMidnight = entry.end === END_OF_DAY;
  const endTime = endsAtMidnight ? new Temporal.PlainTime() : Temporal.PlainTime.from(entry.end);
  const endDay = endsAtMidnight || Temporal.PlainTime.compare(endTime, startTime) <= 0 ? day.add({ days: 1 }) : day;
  return { start: instantOf(day, startTime, timeZone), end: instantOf(endDay, endTime, timeZone) };
}

function instantOf(day: Temporal.PlainDate, time: Temporal.PlainTime, timeZone: string): number {
  return day.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function localDate(epochMilliseconds: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(epochMilliseconds).toZonedDateTimeISO(timeZone).toPlainDate();
}
