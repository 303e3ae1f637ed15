import type { EventTiming } from '../calendar/eventTiming';
import type { OccurrenceValues } from '../calendar/occurrenceValues';
import type { ReminderOverride } from '../events/reminders';

export type ParticipationStatus = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

/** An ATTENDEE (RFC 5545 §3.8.4.1) with a mailto: address. */
export interface DraftAttendee {
  /** The address, trimmed, in lower case, without "mailto:". */
  email: string;
  /** RFC 5545 §3.2.12; DELEGATED, COMPLETED, IN-PROCESS and unknown values read as NEEDS-ACTION. */
  partstat: ParticipationStatus;
  /** ROLE=OPT-PARTICIPANT (§3.2.16): Google's attendee.optional. */
  optional: boolean;
}

/** One occurrence a RECURRENCE-ID component (RFC 5545 §3.8.4.4) changes or cancels. */
export interface DraftOverride {
  /** The occurrence's key as the domain keeps it: a UTC instant (toISOString form), or a date for all-day series. */
  originalStart: string;
  /** Its values; null when cancelled (STATUS:CANCELLED). */
  values: OccurrenceValues | null;
}

/**
 * One event of an iCalendar object in the domain's terms: a master VEVENT and its overrides, grouped by
 * UID. What the domain has no field for is kept in `extraProperties` (and ORGANIZER/ATTENDEE lines in
 * `participantLines`), verbatim, to be written back.
 */
export interface EventDraft {
  uid: string;
  /** Line of the master's BEGIN:VEVENT. */
  line: number;
  title: string;
  description: string | null;
  location: string | null;
  /** Zone resolved to IANA (or "UTC" when only a VTIMEZONE's offsets were known); all-day events get the calendar's zone. */
  timing: EventTiming;
  /**
   * RRULE, RDATE and EXDATE lines as the domain stores them (as Google Calendar's API takes them): TZIDs
   * resolved to IANA names, date-times of zones known only by offsets written in UTC, EXDATEs with the
   * same parameters merged into one line.
   */
  recurrence: string[];
  /** RECURRENCE-ID overrides, each naming an occurrence of the series. */
  overrides: DraftOverride[];
  /** The master has STATUS:CANCELLED. */
  cancelled: boolean;
  transparency: 'opaque' | 'transparent';
  visibility: 'default' | 'public' | 'private';
  /** ORGANIZER's address, lower case, without mailto:. */
  organizer: string | null;
  attendees: DraftAttendee[];
  /** The ORGANIZER and ATTENDEE lines as written (unfolded), for an event whose participants are only kept. */
  participantLines: string[];
  /** From VALARMs (DISPLAY/AUDIO → push, EMAIL → email) with a trigger before the start; null: none given. */
  reminders: ReminderOverride[] | null;
  /** Every other master property (X-*, CATEGORIES, COLOR, URL, ATTACH, GEO, …), unfolded, verbatim, in file order. */
  extraProperties: string[];
  /** RFC 5545 §3.8.7.4 SEQUENCE (0 when absent). */
  sequence: number;
}

/** An event left out of the result, and why (a syntax error throws instead). */
export interface SkippedEvent {
  uid: string | null;
  line: number;
  reason: string;
}

export interface ParsedCalendarObjects {
  drafts: EventDraft[];
  skipped: SkippedEvent[];
}
