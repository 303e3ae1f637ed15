import type { EventTiming } from '../calendar/eventTiming';
import { seriesOf } from '../calendar/occurrences';
import type { OccurrenceValues } from '../calendar/occurrenceValues';
import { validateRecurrence } from '../aggregates/calendarEvent/recurrenceValidation';
import { DomainError } from '../errors/domainError';
import { expandSeriesBounded } from '../recurrence/expand';
import { DEFAULT_EXPANSION_BUDGET, type ExpansionBudget } from '../recurrence/expansionBudget';
import { RecurrenceError } from '../recurrence/recurrenceError';
import { seriesExtent } from '../recurrence/seriesEnd';
import { isoInstant } from '../time/isoInstant';
import { remindersOf } from './alarms';
import type { ICalComponent } from './components';
import { propertyOf } from './components';
import { recurrenceOf } from './draftRecurrence';
import { eventTimingOf, overrideTimesOf } from './draftTiming';
import type { DraftOverride, EventDraft, SkippedEvent } from './eventDraft';
import { participantsOf } from './participants';
import { propertyTime, TimeValueError, type TimeContext } from './propertyTimes';
import { unescapeText } from './textValue';

/** A master VEVENT and the RECURRENCE-ID VEVENTs of the same UID (RFC 5545 §3.8.4.4). */
export interface VEventGroup {
  uid: string;
  master: ICalComponent | undefined;
  overrides: ICalComponent[];
}

export interface DraftContext extends TimeContext {
  /** Expansion work every series of the file may take in all (ICalendarLimits.maxRecurrenceSteps). */
  budget: ExpansionBudget;
  /** ICalendarLimits.maxOverridesPerEvent. */
  maxOverrides: number;
}

/** The longest UID the domain keeps (CalendarEventScheduled.iCalUID). */
export const MAX_UID_LENGTH = 1024;

// Properties the domain has a field for, or derives (DTSTAMP, CREATED, LAST-MODIFIED, SEQUENCE, UID):
// everything else on a master is kept verbatim.
const MODELLED = new Set([
  'UID', 'DTSTAMP', 'CREATED', 'LAST-MODIFIED', 'SEQUENCE', 'DTSTART', 'DTEND', 'DURATION', 'RRULE', 'RDATE', 'EXDATE', 'RECURRENCE-ID',
  'SUMMARY', 'DESCRIPTION', 'LOCATION', 'CLASS', 'TRANSP', 'ORGANIZER', 'ATTENDEE',
]);

class SkipEvent extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

const text = (component: ICalComponent, name: string): string | null => {
  const property = propertyOf(component, name);
  return property === undefined ? null : unescapeText(property.value);
};

/** RFC 5545 §3.8.1.3 CLASS as Google's visibility: PRIVATE and CONFIDENTIAL hide details; absent is the calendar's default. */
function visibilityOf(master: ICalComponent): EventDraft['visibility'] {
  const value = propertyOf(master, 'CLASS')?.value.trim().toUpperCase();
  if (value === 'PUBLIC') return 'public';
  if (value === 'PRIVATE' || value === 'CONFIDENTIAL') return 'private';
  return 'default';
}

const isCancelled = (component: ICalComponent) => propertyOf(component, 'STATUS')?.value.trim().toUpperCase() === 'CANCELLED';

/** The domain's own check of a client's recurrence lines (the REST path's), under the file's budget. */
function checkRecurrence(lines: string[], fileLines: number[], timing: EventTiming, master: ICalComponent, context: DraftContext): void {
  if (lines.length === 0) return;
  if (context.budget.limit - context.budget.spent < DEFAULT_EXPANSION_BUDGET) {
    throw new SkipEvent(master.line, 'the series of this file take more expansion work than one file may; import it in parts');
  }
  try {
    validateRecurrence(lines, timing, true);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const index = Number(/^recurrence\.(\d+)$/.exec(error.fieldErrors[0]?.path ?? '')?.[1] ?? NaN);
    throw new SkipEvent(fileLines[index] ?? master.line, error.fieldErrors[0]?.message ?? error.message);
  }
  // Charged to the file: what checking this series cost.
  seriesExtent(seriesOf({ ...timing, recurrence: lines }), { budget: context.budget });
}

function isOccurrence(timing: EventTiming, lines: string[], originalStart: string, context: DraftContext): boolean {
  const start = timing.allDay ? Date.parse(`${originalStart}T00:00:00Z`) : Date.parse(originalStart);
  return expandSeriesBounded(seriesOf({ ...timing, recurrence: lines }), { from: start, to: start + 1 }, { cap: 1, budget: context.budget }).occurrences.length === 1;
}

/** The key of the occurrence a RECURRENCE-ID names: a UTC instant, or a date for an all-day series. */
function originalStartOf(override: ICalComponent, timing: EventTiming, context: TimeContext): string {
  const property = propertyOf(override, 'RECURRENCE-ID');
  if (property === undefined) throw new TimeValueError('no RECURRENCE-ID');
  const value = propertyTime(property, context);
  if (timing.allDay) {
    if (value.kind === 'date') return value.date;
    return (value.wall ?? isoInstant(value.epochMs)).slice(0, 10);
  }
  if (value.kind === 'date') throw new TimeValueError('RECURRENCE-ID: a DATE names no occurrence of a series with times');
  return isoInstant(value.epochMs);
}

function overridesOf(group: VEventGroup, timing: EventTiming, lines: string[], context: DraftContext, skipped: SkippedEvent[]): DraftOverride[] {
  const overrides: DraftOverride[] = [];
  const seen = new Set<string>();
  for (const component of group.overrides) {
    const skip = (reason: string) => skipped.push({ uid: group.uid, line: component.line, reason: `occurrence left out: ${reason}` });
    // The domain keeps occurrences of series only (a single event is changed as a whole).
    if (lines.length === 0) {
      skip('RECURRENCE-ID on an event that does not recur');
      continue;
    }
    try {
      const originalStart = originalStartOf(component, timing, context);
      if (seen.has(originalStart)) {
        skip(`a second VEVENT with RECURRENCE-ID ${originalStart}`);
        continue;
      }
      if (!isOccurrence(timing, lines, originalStart, context)) {
        skip(context.budget.exhausted ? 'the series of this file take more expansion work than one file may' : `RECURRENCE-ID ${originalStart} names no occurrence of the series`);
        continue;
      }
      seen.add(originalStart);
      if (isCancelled(component)) {
        overrides.push({ originalStart, values: null });
        continue;
      }
      const values: OccurrenceValues = {
        ...overrideTimesOf(component, timing, context),
        title: text(component, 'SUMMARY') ?? '', description: text(component, 'DESCRIPTION'), location: text(component, 'LOCATION'),
      };
      overrides.push({ originalStart, values });
    } catch (error) {
      if (!(error instanceof TimeValueError || error instanceof RecurrenceError)) throw error;
      skip(error.message);
    }
  }
  return overrides;
}

function draftOf(group: VEventGroup, master: ICalComponent, context: DraftContext, skipped: SkippedEvent[]): EventDraft {
  const recurring = master.properties.some((p) => p.name === 'RRULE' || p.name === 'RDATE');
  let timing: EventTiming;
  let recurrence: { lines: string[]; fileLines: number[] };
  try {
    timing = eventTimingOf(master, recurring, context);
    recurrence = recurrenceOf(master, context);
  } catch (error) {
    if (error instanceof TimeValueError || error instanceof RecurrenceError) throw new SkipEvent(master.line, error.message);
    throw error;
  }
  checkRecurrence(recurrence.lines, recurrence.fileLines, timing, master, context);
  const participants = participantsOf(master);
  const sequence = Number(propertyOf(master, 'SEQUENCE')?.value.trim() ?? '0');
  return {
    uid: group.uid,
    line: master.line,
    title: text(master, 'SUMMARY') ?? '',
    description: text(master, 'DESCRIPTION'),
    location: text(master, 'LOCATION'),
    timing,
    recurrence: recurrence.lines,
    overrides: overridesOf(group, timing, recurrence.lines, context, skipped),
    cancelled: isCancelled(master),
    transparency: propertyOf(master, 'TRANSP')?.value.trim().toUpperCase() === 'TRANSPARENT' ? 'transparent' : 'opaque',
    visibility: visibilityOf(master),
    organizer: participants.organizer,
    attendees: participants.attendees,
    participantLines: participants.lines,
    reminders: remindersOf(master, Date.parse(timing.startTime)),
    extraProperties: master.properties.filter((p) => !MODELLED.has(p.name) && !(p.name === 'STATUS' && isCancelled(master))).map((p) => p.raw),
    sequence: Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : 0,
  };
}

/** One UID's VEVENTs as a draft, or why not; problems with single overrides are listed and the rest kept. */
export function draftOfGroup(group: VEventGroup, context: DraftContext): { draft?: EventDraft; skipped: SkippedEvent[] } {
  const skipped: SkippedEvent[] = [];
  const master = group.master;
  if (master === undefined) {
    return { skipped: [{ uid: group.uid, line: group.overrides[0]?.line ?? 0, reason: 'occurrences (RECURRENCE-ID) without their series' }] };
  }
  if (group.uid.length > MAX_UID_LENGTH) return { skipped: [{ uid: group.uid.slice(0, 64), line: master.line, reason: `UID longer than ${MAX_UID_LENGTH} characters` }] };
  if (group.overrides.length > context.maxOverrides) {
    return { skipped: [{ uid: group.uid, line: master.line, reason: `more than ${context.maxOverrides} changed or cancelled occurrences (RECURRENCE-ID)` }] };
  }
  try {
    const draft = draftOf(group, master, context, skipped);
    return { draft, skipped };
  } catch (error) {
    if (error instanceof SkipEvent) return { skipped: [{ uid: group.uid, line: error.line, reason: error.message }] };
    throw error;
  }
}
