import { z } from 'zod';
import { ReminderOverride } from './reminders';

/**
 * The published contract of the CalendarEvent stream: past-tense facts, each carrying its aggregate id.
 * Instants are ISO 8601 UTC strings; `timeZone` is the IANA zone the event was planned in.
 */
const eventID = z.string().uuid();
const userID = z.string().uuid();
const instant = z.string().datetime({ offset: true });

export const CalendarEventScheduled = z.object({
  eventID,
  hostID: userID,
  title: z.string(),
  description: z.string().nullable().default(null),
  location: z.string().nullable().default(null),
  startTime: instant,
  endTime: instant,
  timeZone: z.string(),
});

export const AttendeeInvited = z.object({ eventID, userID, invitedBy: userID });
export const AttendeeUninvited = z.object({ eventID, userID, uninvitedBy: userID });
export const InvitationAccepted = z.object({ eventID, userID });
export const InvitationDeclined = z.object({ eventID, userID });
export const InvitationTentativelyAccepted = z.object({ eventID, userID });
export const CalendarEventRescheduled = z.object({ eventID, startTime: instant, endTime: instant, timeZone: z.string() });
export const CalendarEventDetailsChanged = z.object({
  eventID,
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
});
export const CalendarEventCancelled = z.object({ eventID, cancelledBy: userID });
/** One attendee's own reminders on this event. */
export const RemindersChanged = z.object({ eventID, userID, useDefault: z.boolean(), overrides: z.array(ReminderOverride) });

export const calendarEventEventSchemas = {
  CalendarEventScheduled,
  AttendeeInvited,
  AttendeeUninvited,
  InvitationAccepted,
  InvitationDeclined,
  InvitationTentativelyAccepted,
  CalendarEventRescheduled,
  CalendarEventDetailsChanged,
  CalendarEventCancelled,
  RemindersChanged,
} as const;

type Schemas = typeof calendarEventEventSchemas;
export type CalendarEventEventType = keyof Schemas;
export type CalendarEventEvent = {
  [K in CalendarEventEventType]: { type: K; data: z.infer<Schemas[K]> };
}[CalendarEventEventType];

export function isCalendarEventEventType(type: string): type is CalendarEventEventType {
  return Object.hasOwn(calendarEventEventSchemas, type);
}

/** Parses a stored event on read; unknown types are returned as undefined so newer writers never break older readers. */
export function parseCalendarEventEvent(type: string, data: unknown): CalendarEventEvent | undefined {
  if (!isCalendarEventEventType(type)) return undefined;
  return { type, data: calendarEventEventSchemas[type].parse(data) } as CalendarEventEvent;
}
