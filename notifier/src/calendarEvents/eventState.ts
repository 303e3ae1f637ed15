import { type CalendarEventDetails, type CalendarEventEvent, type CalendarEventEventType, evolve, initialState, parseCalendarEventEvent } from '@datebook/shared-kernel';

export type { RsvpStatus } from '@datebook/shared-kernel';

/** The shared fold of a calendar event, plus the iCalendar SEQUENCE the notifier publishes. */
export type EventState = CalendarEventDetails & {
  status: 'scheduled' | 'cancelled';
  /**
   * RFC 5545 §3.8.7.4 SEQUENCE: the stream position (counted from 0) of the last change to the time,
   * recurrence, status or details of the event. RFC 5546 §2.1.4 requires a new SEQUENCE for those and
   * leaves it optional for attendee changes; keeping it for those means every guest's copy and every
   * REPLY (which carries the SEQUENCE of the request it answers) agree on one number.
   */
  sequence: number;
};

export type NotifierCalendarEvent = CalendarEventEvent;

export const parseNotifierCalendarEvent = parseCalendarEventEvent;

const REVISES_EVENT: ReadonlySet<CalendarEventEventType> = new Set<CalendarEventEventType>([
  'CalendarEventScheduled',
  'CalendarEventRescheduled',
  'CalendarEventDetailsChanged',
  'CalendarEventCancelled',
  'RecurrenceChanged',
  'OccurrenceChanged',
  'OccurrenceCancelled',
  'SeriesSplit',
]);

/** Applies one fact found at stream position `sequence` (version minus the store's first version). Never throws. */
export function evolveEvent(state: EventState | undefined, event: NotifierCalendarEvent, sequence: number): EventState | undefined {
  const next = evolve(state ?? initialState(), event);
  if (next.status === 'absent') return undefined;
  return { ...next, sequence: state === undefined || REVISES_EVENT.has(event.type) ? sequence : state.sequence };
}
