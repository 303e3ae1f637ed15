import { Temporal } from 'temporal-polyfill';

export type CalendarView = 'DAILY' | 'WEEKLY' | 'MONTHLY';

/** A half-open UTC window [from, to). */
export interface InstantWindow {
  from: Date;
  to: Date;
}

/**
 * The window a day, ISO week (Monday 00:00) or calendar month covers in a zone. Local midnights are
 * resolved with RFC 5545 §3.3.5's rule (a skipped midnight moves forward), which Temporal calls 'compatible'.
 */
export function calendarWindow(view: CalendarView, date: string, timeZone: string): InstantWindow {
  // Remembered: zone arithmetic costs more than serving a week from the views, and many reads share a window.
  const key = `${view} ${date} ${timeZone}`;
  let window = windows.get(key);
  if (!window) {
    const { from, to } = computeWindow(view, date, timeZone);
    window = { from: from.getTime(), to: to.getTime() };
    if (windows.size >= WINDOWS_REMEMBERED) windows.clear();
    windows.set(key, window);
  }
  return { from: new Date(window.from), to: new Date(window.to) };
}

const WINDOWS_REMEMBERED = 10_000;
const windows = new Map<string, { from: number; to: number }>();

function computeWindow(view: CalendarView, date: string, timeZone: string): InstantWindow {
  const day = Temporal.PlainDate.from(date);
  let first: Temporal.PlainDate;
  let next: Temporal.PlainDate;
  if (view === 'DAILY') {
    first = day;
    next = day.add({ days: 1 });
  } else if (view === 'WEEKLY') {
    first = day.subtract({ days: day.dayOfWeek - 1 });
    next = first.add({ days: 7 });
  } else {
    first = day.with({ day: 1 });
    next = first.add({ months: 1 });
  }
  return { from: startOfLocalDay(first, timeZone), to: startOfLocalDay(next, timeZone) };
}

function startOfLocalDay(date: Temporal.PlainDate, timeZone: string): Date {
  const zoned = date.toZonedDateTime({ timeZone });
  return new Date(zoned.epochMilliseconds);
}

/** Today's date in a zone, for requests that name no date. */
export function todayIn(now: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}
