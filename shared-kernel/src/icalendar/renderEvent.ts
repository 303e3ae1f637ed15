import { type CalendarEventDetails, extraPropertiesOf, iCalUIDOf } from '../aggregates/calendarEvent/state';
import { isRecurring, occurrencesAmong, occurrencesOverlapping } from '../calendar/occurrences';
import type { OccurrenceValues } from '../calendar/occurrenceValues';
import { DEFAULT_OCCURRENCE_CAP } from '../recurrence/expand';
import type { ReminderOverride } from '../events/reminders';
import { alarmLines } from './alarms';
import { utcDateTime } from './dateValues';
import { keptLines } from './keptProperties';
import { recurrenceProperty } from './recurrenceProperties';
import type { RenderInput } from './renderInput';
import { peopleLines, seesAllGuests } from './renderPeople';
import { escapeText } from './textValue';
import { eventTimes, occurrenceProperty, utcTimes } from './writtenTimes';

type Values = Pick<OccurrenceValues, 'title' | 'description' | 'location'>;

/** The viewer's reminders on the event (their defaults when they keep them). */
function remindersOf(input: RenderInput): ReminderOverride[] {
  if (input.viewerID === null || input.audience === 'busyOnly') return [];
  const own = input.event.reminders[input.viewerID];
  return own === undefined || own.useDefault ? (input.defaultReminders ?? []) : own.overrides;
}

/** What every VEVENT of one event shares, given one occurrence's values (or the series'). */
class EventWriter {
  readonly event: RenderInput['event'];
  private readonly busyOnly: boolean;
  private readonly kept: ReturnType<typeof keptLines>;
  private readonly reminders: ReminderOverride[];
  /** UID, DTSTAMP and SEQUENCE: first in every VEVENT of the event. */
  readonly head: string[];

  constructor(private readonly input: RenderInput, stamp: Date) {
    this.event = input.event;
    this.busyOnly = input.audience === 'busyOnly';
    const event = this.event;
    const all = seesAllGuests(event, input.audience);
    const attendee = typeof input.audience === 'object' ? input.emailOf(input.audience.attendee) : undefined;
    const host = input.emailOf(event.hostID);
    this.kept = this.busyOnly ? { lines: [], hasParticipants: false } : keptLines(extraPropertiesOf(event), event.status === 'cancelled', (address) => all || address === attendee || address === host);
    this.reminders = remindersOf(input);
    this.head = [`UID:${escapeText(iCalUIDOf(event))}`, `DTSTAMP:${utcDateTime(input.stamp ?? stamp)}`, `SEQUENCE:${input.sequence ?? 0}`];
  }

  /** The properties after the head and the times: text, class, transparency, status, people, kept lines, alarms. */
  body(values: Values, originalStart?: string): string[] {
    const event = this.event;
    const lines: string[] = [];
    if (this.busyOnly) {
      lines.push('SUMMARY:Busy', 'CLASS:PRIVATE');
    } else {
      lines.push(`SUMMARY:${escapeText(values.title)}`);
      if (values.description !== null) lines.push(`DESCRIPTION:${escapeText(values.description)}`);
      if (values.location !== null) lines.push(`LOCATION:${escapeText(values.location)}`);
      // RFC 5545 §3.8.1.3; no CLASS keeps the calendar's default, which PUBLIC would not say.
      if (event.visibility !== 'default') lines.push(`CLASS:${event.visibility === 'private' ? 'PRIVATE' : 'PUBLIC'}`);
    }
    lines.push(`TRANSP:${event.transparency === 'transparent' ? 'TRANSPARENT' : 'OPAQUE'}`);
    if (event.status === 'cancelled') lines.push('STATUS:CANCELLED');
    if (!this.busyOnly) {
      if (!this.kept.hasParticipants) lines.push(...peopleLines(event, this.input.audience, this.input.emailOf, originalStart));
      lines.push(...this.kept.lines);
      const viewerAddress = this.input.viewerID === null ? undefined : this.input.emailOf(this.input.viewerID);
      for (const reminder of this.reminders) lines.push(...alarmLines(reminder, values.title, viewerAddress));
    }
    return lines;
  }
}

/** The recurrence lines of a series, each parsed and written anew (see recurrenceProperty); one that does not parse is left out. */
function recurrenceLines(event: CalendarEventDetails): string[] {
  return event.recurrence.flatMap((line) => {
    const written = recurrenceProperty(line);
    return written === undefined ? [] : [written];
  });
}

/**
 * The VEVENTs of one event (RFC 5545 §3.6.1): the master with its recurrence, an EXDATE per cancelled
 * occurrence and a RECURRENCE-ID VEVENT per changed one (§3.8.4.4) that the series still has.
 */
export function eventComponents(input: RenderInput, stamp: Date): string[] {
  const writer = new EventWriter(input, stamp);
  const event = writer.event;
  const recurring = isRecurring(event);
  // A series' DTSTART is the wall time it repeats (its nominal start, RFC 5545 §3.3.10); a single event's is its own.
  const lines = ['BEGIN:VEVENT', ...writer.head, ...eventTimes(event, event, recurring)];
  const changed: [string, OccurrenceValues][] = [];
  if (recurring) {
    lines.push(...recurrenceLines(event));
    const exceptions = Object.entries(event.exceptions);
    // One expansion for every changed occurrence, not one each (hundreds of them held the loop for tens of ms).
    const occurring = occurrencesAmong(event, exceptions.filter(([, e]) => !e.cancelled).map(([originalStart]) => originalStart));
    for (const [originalStart, exception] of exceptions) {
      if (exception.cancelled) lines.push(occurrenceProperty('EXDATE', event, originalStart));
      else if (occurring.has(originalStart)) changed.push([originalStart, exception]);
    }
  }
  lines.push(...writer.body(event), 'END:VEVENT');
  for (const [originalStart, values] of changed) {
    lines.push('BEGIN:VEVENT', ...writer.head, occurrenceProperty('RECURRENCE-ID', event, originalStart), ...eventTimes(event, values, false), ...writer.body(values, originalStart), 'END:VEVENT');
  }
  return lines;
}

/**
 * The most characters the expanded instances of one event may take: every instance repeats the event's texts
 * (up to 64 KiB a line), so a series' 1,000 instances could otherwise write tens of megabytes in one go.
 */
export const MAX_EXPANDED_CHARS = 256_000;

/**
 * RFC 4791 §9.6.5 (CALDAV:expand): each occurrence in the window as its own VEVENT, RECURRENCE-ID and
 * times in UTC, no RRULE; a single event once, its times in UTC. As every windowed read of a series, it
 * stops at the expansion's cap (1,000 instances), and also once its instances pass MAX_EXPANDED_CHARS.
 */
export function expandedComponents(input: RenderInput, stamp: Date, window: { start: Date; end: Date }): string[] {
  const writer = new EventWriter(input, stamp);
  const event = writer.event;
  if (!isRecurring(event)) return ['BEGIN:VEVENT', ...writer.head, ...utcTimes(event.allDay, event), ...writer.body(event), 'END:VEVENT'];
  const lines: string[] = [];
  let chars = 0;
  // Without exceptions or answers to single occurrences every instance repeats the series' body, so the instances
  // that fit MAX_EXPANDED_CHARS are known before expanding: a 60 KB description expands 5, not 1,000 (which held
  // the loop for tens of ms). Otherwise an instance may be shorter: the full expansion, as before.
  const uniform = Object.keys(event.exceptions).length === 0 && Object.keys(event.occurrenceResponses).length === 0;
  const bodyChars = uniform ? writer.body(event).reduce((sum, line) => sum + line.length, 0) : 0;
  const cap = Math.min(DEFAULT_OCCURRENCE_CAP, Math.floor(MAX_EXPANDED_CHARS / Math.max(1, bodyChars)) + 2);
  for (const occurrence of occurrencesOverlapping(event, { from: window.start.getTime(), to: window.end.getTime() }, cap).occurrences) {
    if (chars > MAX_EXPANDED_CHARS) break;
    const recurrenceID = event.allDay ? `RECURRENCE-ID;VALUE=DATE:${occurrence.originalStart.replace(/-/g, '')}` : `RECURRENCE-ID:${utcDateTime(occurrence.originalStart)}`;
    const instance = ['BEGIN:VEVENT', ...writer.head, recurrenceID, ...utcTimes(event.allDay, occurrence), ...writer.body(occurrence, occurrence.originalStart), 'END:VEVENT'];
    for (const line of instance) chars += line.length;
    lines.push(...instance);
  }
  return lines;
}

