import { DEFAULT_OCCURRENCE_CAP, expandSeries, expandSeriesBounded, type RecurrenceSeries } from '../recurrence/expand';
import type { ExpansionBudget } from '../recurrence/expansionBudget';
import type { RecurrenceParseOptions } from '../recurrence/recurrenceLimits';
import { parseRecurrenceLines, type RecurrenceLines } from '../recurrence/recurrenceLines';
import { nominalStartOf } from '../recurrence/nominalStart';
import { seriesExtent } from '../recurrence/seriesEnd';
import type { CalendarEventDetails } from '../aggregates/calendarEvent/state';
import type { OccurrenceValues } from './occurrenceValues';
import { isoInstant } from '../time/isoInstant';

type SeriesShape = Pick<CalendarEventDetails, 'startTime' | 'startLocal' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'recurrence'>;
type EventShape = SeriesShape & Pick<CalendarEventDetails, 'title' | 'description' | 'location' | 'exceptions'>;

/** One occurrence as a calendar shows it: the series' values with its exception applied. */
export interface EventOccurrence extends OccurrenceValues {
  /** RECURRENCE-ID: the start before any change (an ISO instant, or a date for all-day series). */
  originalStart: string;
}

export function isRecurring(event: SeriesShape): boolean {
  return event.recurrence.length > 0;
}

/**
 * The wall time a timed event's DTSTART;TZID=… names (RFC 5545 §3.3.5): the one the client gave, kept
 * in `startLocal`, even when a DST gap moved the first start forward; else the start's wall time.
 */
export function nominalStart(event: Pick<CalendarEventDetails, 'startTime' | 'startLocal' | 'timeZone'>): string {
  return nominalStartOf(Date.parse(event.startTime), event.timeZone, event.startLocal);
}

/**
 * Parsed lines per recurrence array, per zone and limits: one series is read many times over (its span, its
 * occurrences, its busy time), and a list of hundreds of EXDATEs costs milliseconds to parse. Kept with a copy
 * of the lines it was parsed from and used only while the array still holds them (a caller that pushes a line
 * onto an array it had read gets it parsed anew). Lines that fail to parse are not kept.
 */
const parsedLines = new WeakMap<readonly string[], Map<string, { from: readonly string[]; lines: RecurrenceLines }>>();
const sameLines = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((line, i) => line === b[i]);
function recurrenceLinesOf(event: SeriesShape, enforceLimits: boolean): RecurrenceLines {
  const key = `${enforceLimits ? 1 : 0}${event.timeZone}`;
  let byZone = parsedLines.get(event.recurrence);
  const known = byZone?.get(key);
  if (known && sameLines(known.from, event.recurrence)) return known.lines;
  const lines = parseRecurrenceLines(event.recurrence, event.timeZone, { enforceLimits });
  if (!byZone) {
    byZone = new Map();
    parsedLines.set(event.recurrence, byZone);
  }
  byZone.set(key, { from: [...event.recurrence], lines });
  return lines;
}

/**
 * The series as the RFC 5545 expander takes it. DTSTART is the nominal start (see `nominalStart`): the
 * rule repeats that wall time, and only an instance falling in a gap moves (§3.3.10), the first included.
 * Refuses what recurrenceLimits.ts forbids unless `options.enforceLimits` is false (see `storedSeriesOf`).
 */
export function seriesOf(event: SeriesShape, options?: RecurrenceParseOptions): RecurrenceSeries {
  const lines = recurrenceLinesOf(event, options?.enforceLimits !== false);
  const dtstart = event.allDay && event.startDate !== null ? event.startDate : nominalStart(event);
  return { timeZone: event.timeZone, dtstart, rdates: lines.rdates, exdates: lines.exdates, ...(lines.rrule ? { rrule: lines.rrule } : {}) };
}

/**
 * A stored series, read without the write-time limits: one written before them must stay readable (a
 * projector must not stop on it); the expansion budget bounds what reading it costs instead.
 */
const storedSeriesOf = (event: SeriesShape): RecurrenceSeries => seriesOf(event, { enforceLimits: false });

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

/** What `occurrencesOverlapping` found, and how far that is the whole answer. */
export interface OverlappingOccurrences {
  occurrences: EventOccurrence[];
  /** True when the cap or the expansion budget cut the series short of the window's end. */
  truncated: boolean;
  /**
   * Every occurrence originally starting before this instant is accounted for (`to` unless truncated).
   * From here to the window's end the series may have occurrences not listed: a caller answering
   * free/busy must treat that stretch as busy, never as free.
   */
  completeBefore: number;
}

/**
 * Every occurrence overlapping [from, to) (epoch ms), exceptions applied, ascending by start, at most
 * `cap` from the rule and at most what `budget` (default: a fresh one per call) pays for. All-day
 * occurrences are compared as their dates at 00:00 UTC: callers pass the viewer's local dates in that
 * form. Moved occurrences show where they were moved to.
 */
export function occurrencesOverlapping(event: EventShape, window: { from: number; to: number }, cap = DEFAULT_OCCURRENCE_CAP, budget?: ExpansionBudget): OverlappingOccurrences {
  if (!isRecurring(event) && !hasExceptions(event)) {
    // The common case, a single event: one comparison before building anything (calendar reads are hot),
    // and no closures: tsx's keepNames makes each one cost a defineProperty.
    const start = Date.parse(event.startTime);
    const end = Date.parse(event.endTime);
    if (!(start < window.to && end > window.from)) return { occurrences: [], truncated: false, completeBefore: window.to };
    // The event's own texts when already in toISOString's form: no re-formatting.
    const occurrence = occurrenceAt(event, start, end - start, isIsoForm(event.startTime) && isIsoForm(event.endTime) ? event : undefined);
    return { occurrences: [occurrence], truncated: false, completeBefore: window.to };
  }
  const overlaps = (start: number, end: number) => start < window.to && end > window.from;
  const { starts, duration, truncated, completeBefore } = startsNear(event, window, cap, budget);
  const base = (start: number) => occurrenceAt(event, start, duration);

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
  const movedIn: [string, Extract<CalendarEventDetails['exceptions'][string], { cancelled: false }>][] = [];
  for (const [originalStart, exception] of Object.entries(event.exceptions)) {
    if (exception.cancelled || seen.has(originalStart)) continue;
    if (overlaps(Date.parse(exception.startTime), Date.parse(exception.endTime))) movedIn.push([originalStart, exception]);
  }
  // One expansion for all of them (occurrencesAmong), not one each.
  const occurring = movedIn.length > 0 ? occurrencesAmong(event, movedIn.map(([originalStart]) => originalStart)) : undefined;
  for (const [originalStart, exception] of movedIn) if (occurring?.has(originalStart)) result.push({ originalStart, ...withoutFlag(exception) });
  result.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime) || a.originalStart.localeCompare(b.originalStart));
  return { occurrences: result, truncated, completeBefore };
}

/** The series' starts (before exceptions) that may overlap the window, each lasting `duration`, and how far that is complete. */
function startsNear(event: SeriesShape, window: { from: number; to: number }, cap: number, budget: ExpansionBudget | undefined) {
  const duration = durationOf(event);
  if (!isRecurring(event)) return { starts: [Date.parse(event.startTime)], duration, truncated: false, completeBefore: window.to };
  // Past the series' end (known once per series, see `lastOccurrenceEnd`): nothing to walk.
  if (window.from >= lastOccurrenceEnd(event)) return { starts: [], duration, truncated: false, completeBefore: window.to };
  const expansion = expandSeriesBounded(storedSeriesOf(event), { from: window.from - duration + 1, to: window.to }, { cap, ...(budget ? { budget } : {}) });
  return {
    starts: expansion.occurrences.map((o) => o.start),
    duration,
    truncated: expansion.truncated,
    completeBefore: Math.min(window.to, Math.max(window.from, expansion.completeBefore)),
  };
}

/**
 * What `occurrencesOverlapping` finds for an event without exceptions, as bare instants: each occurrence
 * starts at one of `starts` (ascending) and lasts `duration`. Busy time is kept for a year of a series'
 * occurrences at every write of it; this spares writing each one out as text only to parse it back.
 * Undefined when the event has exceptions (an occurrence may move or change): use `occurrencesOverlapping`.
 */
export function plainOccurrenceStarts(event: EventShape, window: { from: number; to: number }, cap = DEFAULT_OCCURRENCE_CAP, budget?: ExpansionBudget): Omit<OverlappingOccurrences, 'occurrences'> & { starts: number[]; duration: number } | undefined {
  if (hasExceptions(event)) return undefined;
  const near = startsNear(event, window, cap, budget);
  return { ...near, starts: near.starts.filter((start) => start < window.to && start + near.duration > window.from) };
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
  const found = expandSeries(storedSeriesOf(event), { from: start, to: start + 1 }, { cap: 1 });
  return found.occurrences.length === 1;
}

/**
 * Which of these original starts are occurrences of the event: `isOccurrenceOf` for many at once. The series is
 * expanded once over their span (a write naming hundreds of EXDATEs cost one expansion each, 50 ms on the loop);
 * what that one expansion did not reach (its cap or budget) is asked one by one.
 */
export function occurrencesAmong(event: SeriesShape, originalStarts: readonly string[]): Set<string> {
  const startOf = (key: string) => (event.allDay ? Date.parse(`${key}T00:00:00Z`) : Date.parse(key));
  const keyed = originalStarts.map((key) => ({ key, start: startOf(key) })).filter((k) => !Number.isNaN(k.start));
  if (keyed.length === 0) return new Set();
  if (!isRecurring(event)) return new Set(keyed.filter((k) => k.start === Date.parse(event.startTime)).map((k) => k.key));
  const from = Math.min(...keyed.map((k) => k.start));
  const to = Math.max(...keyed.map((k) => k.start)) + 1;
  const expanded = expandSeriesBounded(storedSeriesOf(event), { from, to }, { cap: 10_000 });
  const starts = new Set(expanded.occurrences.map((o) => o.start));
  const found = new Set<string>();
  for (const { key, start } of keyed) {
    if (start < expanded.completeBefore ? starts.has(start) : isOccurrenceOf(event, key)) found.add(key);
  }
  return found;
}

/**
 * The instants every occurrence lies within, for index pre-filtering: [first start, last end), the
 * end infinite for an endless series. All-day spans widen by 14 h each way to hold every zone's day.
 */
export function occurrenceSpan(event: EventShape): { start: number; end: number } {
  let start = Date.parse(event.startTime);
  let end = isRecurring(event) ? lastOccurrenceEnd(event) : Date.parse(event.endTime);
  for (const exception of Object.values(event.exceptions)) {
    if (exception.cancelled) continue;
    start = Math.min(start, Date.parse(exception.startTime));
    end = Math.max(end, Date.parse(exception.endTime));
  }
  const margin = event.allDay ? 14 * 3_600_000 : 0;
  return { start: start - margin, end: end + margin };
}

// Series ends already found, by everything that decides them: a series' end is computed once per
// process however often its rows are written, copied or read (see `lastOccurrenceEnd`).
const knownEnds = new Map<string, number>();
const KNOWN_ENDS_KEPT = 10_000;
const KNOWN_END_KEY_CHARS = 2_000;

/**
 * The end of a series' last occurrence (exceptions not applied), +Infinity when it recurs forever or
 * its end lies beyond what the expansion budget can find. Bounded: a COUNT rule is walked at most to
 * its COUNT (MAX_COUNT when written) under the default budget, and the answer is remembered, so reads
 * never walk a series from DTSTART to find where it ends. The read model keeps it as `span_end`.
 */
export function lastOccurrenceEnd(event: SeriesShape): number {
  const key = `${event.timeZone}\u0000${event.startTime}\u0000${event.startLocal ?? ''}\u0000${event.endTime}\u0000${event.allDay ? (event.startDate ?? '') : ''}\u0000${event.recurrence.join('\u0000')}`;
  const known = knownEnds.get(key);
  if (known !== undefined) return known;
  const { lastStart } = seriesExtent(storedSeriesOf(event));
  const end = lastStart + durationOf(event);
  // Only short keys are kept, so the memory this takes stays bounded whatever a series' lines hold.
  if (key.length > KNOWN_END_KEY_CHARS) return end;
  if (knownEnds.size >= KNOWN_ENDS_KEPT) knownEnds.delete(knownEnds.keys().next().value as string);
  knownEnds.set(key, end);
  return end;
}
