import { z } from 'zod';
import { NOMINAL_START_FORMAT } from '../../recurrence/nominalStart';
import type { StoredEvent } from '../../events/recordedEvent';
import { ReminderOverride } from '../../events/reminders';
import { upcast } from '../../events/upcasting';

/**
 * The published contract of the CalendarEvent stream: past-tense facts, each carrying its aggregate id.
 * Instants are ISO 8601 UTC strings; `timeZone` is the IANA zone the event was planned in. The schemas are
 * those of each type's current version (`currentSchemaVersions`); older payloads are upcast before them.
 */
const eventID = z.string().uuid();
const userID = z.string().uuid();
const instant = z.string().datetime({ offset: true });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/**
 * An occurrence's RECURRENCE-ID (RFC 5545 §3.8.4.4): the start it had in the series before any change,
 * as a UTC instant (`2024-06-10T07:00:00.000Z`) or, for all-day series, a date (`2024-06-10`).
 */
const originalStart = z.string();
/**
 * The start as the client named it, a wall time in `timeZone` ("2027-03-28T02:30:00"): the series' DTSTART
 * (RFC 5545 §3.3.5 form #3), which differs from `startTime`'s wall time when it fell in a DST gap. Absent
 * in older events, which read as null (the default upcasts them), and null for all-day events or a start
 * given as an instant: `startTime`'s wall time is then the nominal start. Optional for writers.
 */
const startLocal = z.string().regex(NOMINAL_START_FORMAT).nullable().default(null).optional();
/** Present on all-day events: dates, `endDate` exclusive; startTime/endTime then hold those dates at 00:00 UTC. */
const allDayDates = {
  allDay: z.boolean().default(false),
  startDate: date.nullable().default(null),
  endDate: date.nullable().default(null),
};

/** RFC 5545 §3.8.1.3 CLASS as Google names it: `private` shows as busy to readers of the calendar (not to attendees). */
export const Visibility = z.enum(['default', 'public', 'private']);

export const CalendarEventScheduled = z.object({
  eventID,
  hostID: userID,
  /** The calendar the event is on. Since v3 always present (the v2 upcaster fills in the host's primary calendar). */
  calendarID: z.string().uuid(),
  /** Since v3 always present (the v2 upcaster fills in `default`). */
  visibility: Visibility,
  title: z.string(),
  description: z.string().nullable().default(null),
  location: z.string().nullable().default(null),
  startTime: instant,
  startLocal,
  endTime: instant,
  timeZone: z.string(),
  ...allDayDates,
  /** RFC 5545 RRULE / RDATE / EXDATE lines; empty for a single event. Expanded in `timeZone`. */
  recurrence: z.array(z.string()).default([]),
  /** RFC 5545 §3.8.2.7 TRANSP: transparent events block no time. Since v2 always present (the v1 upcaster fills it in). */
  transparency: z.enum(['opaque', 'transparent']),
  /** Google Calendar's field: whether guests see who else is invited. Since v2 always present (the v1 upcaster fills it in). */
  guestsCanSeeOtherGuests: z.boolean(),
  /**
   * The RFC 5545 §3.8.4.7 UID a client gave the event (CalDAV PUT, import); null for events made through the
   * API, whose UID is derived from their id (`iCalUIDOf`). Optional for writers: older events read as null.
   */
  iCalUID: z.string().min(1).max(1024).nullable().optional(),
  /** See ExtraPropertiesChanged. Optional for writers: older events read as none. */
  extraProperties: z.array(z.string()).optional(),
});

export const AttendeeInvited = z.object({ eventID, userID, invitedBy: userID });
export const AttendeeUninvited = z.object({ eventID, userID, uninvitedBy: userID });
/**
 * An address no confirmed account has, in its normal form (trimmed, lower case): invited by e-mail only (RFC 5545
 * ATTENDEE by mailto:, RFC 6047 iMIP). Checked at the edge; any string reads back, so a stricter check later
 * never makes a stored event unreadable. `optional`: Google's attendee.optional (RFC 5545 ROLE=OPT-PARTICIPANT).
 */
const externalEmail = z.string().min(1).max(320);
export const ExternalAttendeeInvited = z.object({ eventID, email: externalEmail, optional: z.boolean(), invitedBy: userID });
export const ExternalAttendeeUninvited = z.object({ eventID, email: externalEmail, uninvitedBy: userID });
/** An attendee invited by address answered (by mail: an iTIP REPLY, RFC 5546 §3.2.3). */
export const ExternalAttendeeResponded = z.object({ eventID, email: externalEmail, rsvpStatus: z.enum(['ACCEPTED', 'DECLINED', 'TENTATIVE']) });
/**
 * The VEVENT properties Datebook does not model that a client sent (X-*, CATEGORIES, COLOR, ATTACH, ...; for
 * imported events also their ORGANIZER and ATTENDEE lines): unfolded content lines, kept verbatim and given
 * back on every iCalendar read, so a client's data survives a round trip (RFC 4791 §5.3.2 asks servers to).
 */
export const ExtraPropertiesChanged = z.object({ eventID, extraProperties: z.array(z.string()) });
export const InvitationAccepted = z.object({ eventID, userID });
export const InvitationDeclined = z.object({ eventID, userID });
export const InvitationTentativelyAccepted = z.object({ eventID, userID });
export const CalendarEventRescheduled = z.object({ eventID, startTime: instant, startLocal, endTime: instant, timeZone: z.string(), ...allDayDates });
/** The whole series now follows these lines. */
export const RecurrenceChanged = z.object({ eventID, recurrence: z.array(z.string()) });
/** One occurrence moved or edited: its full new values. */
export const OccurrenceChanged = z.object({
  eventID,
  originalStart,
  startTime: instant,
  endTime: instant,
  startDate: date.nullable().default(null),
  endDate: date.nullable().default(null),
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
});
export const OccurrenceCancelled = z.object({ eventID, originalStart });
/** An invitee answered one occurrence differently from the series. */
export const OccurrenceResponded = z.object({ eventID, userID, originalStart, rsvpStatus: z.enum(['ACCEPTED', 'DECLINED', 'TENTATIVE']) });
/** "This and following" split the series: from `originalStart` on, `newEventID` carries it on. */
export const SeriesSplit = z.object({ eventID, originalStart, newEventID: eventID });
export const CalendarEventDetailsChanged = z.object({
  eventID,
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
});
export const CalendarEventCancelled = z.object({ eventID, cancelledBy: userID });
/** A cancelled event is on again, as it was (a calendar app writing its UID again after deleting it, an undo). */
export const CalendarEventRestored = z.object({ eventID, restoredBy: userID });
export const TransparencyChanged = z.object({ eventID, transparency: z.enum(['opaque', 'transparent']) });
/** The host changed what guests may see of each other. */
export const GuestPermissionsChanged = z.object({ eventID, guestsCanSeeOtherGuests: z.boolean() });
/** The event now belongs to another calendar (Google's events.move). */
export const CalendarEventMoved = z.object({ eventID, fromCalendarID: z.string().uuid(), calendarID: z.string().uuid(), movedBy: userID });
export const VisibilityChanged = z.object({ eventID, visibility: Visibility });
/** One attendee's own reminders on this event. */
export const RemindersChanged = z.object({ eventID, userID, useDefault: z.boolean(), overrides: z.array(ReminderOverride) });

export const calendarEventEventSchemas = {
  CalendarEventScheduled,
  AttendeeInvited,
  AttendeeUninvited,
  ExternalAttendeeInvited,
  ExternalAttendeeUninvited,
  ExternalAttendeeResponded,
  ExtraPropertiesChanged,
  InvitationAccepted,
  InvitationDeclined,
  InvitationTentativelyAccepted,
  CalendarEventRescheduled,
  CalendarEventDetailsChanged,
  CalendarEventCancelled,
  CalendarEventRestored,
  RemindersChanged,
  RecurrenceChanged,
  OccurrenceChanged,
  OccurrenceCancelled,
  OccurrenceResponded,
  SeriesSplit,
  TransparencyChanged,
  GuestPermissionsChanged,
  CalendarEventMoved,
  VisibilityChanged,
} as const;

type Schemas = typeof calendarEventEventSchemas;
export type CalendarEventEventType = keyof Schemas;
export type CalendarEventEvent = {
  [K in CalendarEventEventType]: { type: K; data: z.infer<Schemas[K]> };
}[CalendarEventEventType];

export function isCalendarEventEventType(type: string): type is CalendarEventEventType {
  return Object.hasOwn(calendarEventEventSchemas, type);
}

/**
 * Parses a stored event on read, upcast from the version it was written in to the current one; unknown
 * types are returned as undefined so newer writers never break older readers.
 */
export function parseCalendarEventEvent(stored: StoredEvent): CalendarEventEvent | undefined {
  const { type } = stored;
  if (!isCalendarEventEventType(type)) return undefined;
  return { type, data: calendarEventEventSchemas[type].parse(upcast(type, stored.metadata.schemaVersion, stored.data)) } as CalendarEventEvent;
}
