import { formatWallTime } from '../recurrence/calendar';
import { DEFAULT_OCCURRENCE_CAP, expandSeries, type RecurrenceSeries, seriesEnd } from '../recurrence/expand';
import { parseRecurrenceLines } from '../recurrence/recurrenceLines';
import { ZoneClock } from '../recurrence/zoneClock';
import type { CalendarEventDetails } from './calendarEventState';
import { isoInstant } from '../time/isoInstant';

type SeriesShape = Pick<CalendarEventDetails, 'startTime' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'recurrence'>;
type EventShape = SeriesShape & Pick<CalendarEventDetails, 'title' | 'description' | 'location' | 'exceptions'>;

/** One occurrence as a calendar shows it: the series' values with its exception applied. */
export interface EventOccurrence {
  /** RECURRENCE-ID: the start before any change (an ISO instant, or a date for all-day series). */
  originalStart: string;
  startTime: string;
  endTime: string;
  startDate: string | null;
  endDate: string | null;
  title: string;
  description: string | null;
  location: string | null;
}

export function isRecurring(event: SeriesShape): boolean {
  return event.recurrence.length > 0;
}

/** The series as the RFC 5545 expander takes it; DTSTART is the first start's wall time in the event's zone. */
export function seriesOf(event: SeriesShape): RecurrenceSeries {
  const lines = parseRecurrenceLines(event.recurrence, event.timeZone);
  const dtstart = event.allDay && event.startDate !== null
    ? event.startDate
    : formatWallTime(ZoneClock.of(event.timeZone).wallAt(Date.parse(event.startTime)));
  return { timeZone: event.timeZone, dtstart, rdates: lines.rdates, exdates: lines.exdates, ...(lines.rrule ? { rrule: lines.rrule } : {}) };
}

const durationOf = (event: SeriesShape) => Date.parse(event.endTime) - Date.parse(event.startTime);
const dateOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/** The occurrence starting at `start`, before any exception; `texts` are its instants already written out. */
function occurrenceAt(event: EventShape, start: number, duration: number, texts?: { startTime: string; endTime: string }): EventOccurrence {
  const startTime = texts?.startTime ?? isoInstant(start);
  return {
    originalStart: event.allDay ? dateOf(start) : startTime,
    startTime,
    endTime: texts?.endTime ?? isoInstant(start + duration),
    startDate: event.allDay ? dateOf(start) : null,
    endDate: event.allDay ? dateOf(start + duration) : null,
    title: event.title,
    description: event.description,
    location: event.location,
  };
}

/** Whether a valid instant is already written as toISOString writes it (YYYY-MM-DDTHH:mm:ss.sssZ). */
function isIsoForm(instant: string): boolean {
  return instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(19) === 46 /* . */;
}

function hasExceptions(event: EventShape): boolean {
  for (const _ in event.exceptions) return true;
  return false;
}

/** The key an occurrence's exception is stored under. */
export function originalStartKey(event: SeriesShape, start: number): string {
  return event.allDay ? dateOf(start) : isoInstant(start);
}

/**
 * Every occurrence overlapping [from, to) (epoch ms), exceptions applied, ascending by start, at most
 * `cap` from the rule. All-day occurrences are compared as their dates at 00:00 UTC: callers pass the
 * viewer's local dates in that form. Moved occurrences show where they were moved to.
 */
export function occurrencesOverlapping(event: EventShape, window: { from: number; to: number }, cap = DEFAULT_OCCURRENCE_CAP): { occurrences: EventOccurrence[]; truncated: boolean } {
  if (!isRecurring(event) && !hasExceptions(event)) {
    // The common case, a single event: one comparison before building anything (calendar reads are hot),
    // and no closures: tsx's keepNames makes each one cost a defineProperty.
    const start = Date.parse(event.startTime);
    const end = Date.parse(event.endTime);
    if (!(start < window.to && end > window.from)) return { occurrences: [], truncated: false };
    // The event's own texts when already in toISOString's form: no re-formatting.
    const occurrence = occurrenceAt(event, start, end - start, isIsoForm(event.startTime) && isIsoForm(event.endTime) ? event : undefined);
    return { occurrences: [occurrence], truncated: false };
  }
  const duration = durationOf(event);
  const overlaps = (start: number, end: number) => start < window.to && end > window.from;
  const base = (start: number) => occurrenceAt(event, start, duration);
  let starts: number[];
  let truncated = false;
  if (isRecurring(event)) {
    const expansion = expandSeries(seriesOf(event), { from: window.from - duration + 1, to: window.to }, { cap });
    starts = expansion.occurrences.map((o) => o.start);
    truncated = expansion.truncated;
  } else {
    starts = [Date.parse(event.startTime)];
  }

  const result: EventOccurrence[] = [];
  const seen = new Set<string>();
  for (const start of starts) {
    const occurrence = base(start);
    seen.add(occurrence.originalStart);
    const exception = event.exceptions[occurrence.originalStart];
    if (exception?.cancelled) continue;
    const shown = exception ? { ...occurrence, ...withoutFlag(exception) } : occurrence;
    if (overlaps(Date.parse(shown.startTime), Date.parse(shown.endTime))) result.push(shown);
  }
  // Occurrences moved into the window from outside it. An exception whose occurrence the series no
  // longer has (the rule changed, or a split ended it) applies to nothing and is not shown.
  for (const [originalStart, exception] of Object.entries(event.exceptions)) {
    if (exception.cancelled || seen.has(originalStart)) continue;
    if (overlaps(Date.parse(exception.startTime), Date.parse(exception.endTime)) && isOccurrenceOf(event, originalStart)) {
      result.push({ originalStart, ...withoutFlag(exception) });
    }
  }
  result.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime) || a.originalStart.localeCompare(b.originalStart));
  return { occurrences: result, truncated };
}

function withoutFlag(exception: Extract<CalendarEventDetails['exceptions'][string], { cancelled: false }>) {
  const { cancelled: _flag, ...values } = exception;
  return values;
}

/** Whether `originalStart` names an occurrence of the series (before exceptions). */
export function isOccurrenceOf(event: SeriesShape, originalStart: string): boolean {
  const start = event.allDay ? Date.parse(`${originalStart}T00:00:00Z`) : Date.parse(originalStart);
  if (Number.isNaN(start)) return false;
  if (!isRecurring(event)) return start === Date.parse(event.startTime);
  const found = expandSeries(seriesOf(event), { from: start, to: start + 1 }, { cap: 1 });
  return found.occurrences.length === 1;
}

/**
 * The instants every occurrence lies within, for index pre-filtering: [first start, last end), the
 * end infinite for an endless series. All-day spans widen by 14 h each way to hold every zone's day.
 */
export function occurrenceSpan(event: EventShape): { start: number; end: number } {
  const duration = durationOf(event);
  const first = Date.parse(event.startTime);
  const last = isRecurring(event) ? seriesEnd(seriesOf(event)) : first;
  let start = first;
  let end = last === null ? Infinity : last + duration;
  for (const exception of Object.values(event.exceptions)) {
    if (exception.cancelled) continue;
    start = Math.min(start, Date.parse(exception.startTime));
    end = Math.max(end, Date.parse(exception.endTime));
  }
  const margin = event.allDay ? 14 * 3_600_000 : 0;
  return { start: start - margin, end: end + margin };
}

