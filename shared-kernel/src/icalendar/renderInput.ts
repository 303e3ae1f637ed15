import type { CalendarEventDetails } from '../aggregates/calendarEvent/state';
import type { ReminderOverride } from '../events/reminders';

/**
 * Who an event is written for: everything (`full`); times only (`busyOnly`: free/busy readers, private
 * events for readers); or one guest, who sees the guest list only as `guestsCanSeeOtherGuests` allows.
 */
export type RenderAudience = 'full' | 'busyOnly' | { attendee: string };

/** One event to write. */
export interface RenderInput {
  event: CalendarEventDetails & { status: 'scheduled' | 'cancelled' };
  audience: RenderAudience;
  /** Whose reminders become VALARMs (null: none, e.g. feeds). */
  viewerID: string | null;
  /** Account attendees' addresses (from rm_users); an account without one is left out of the guest list. */
  emailOf: (userID: string) => string | undefined;
  /** RFC 5545 §3.8.7.4 SEQUENCE; default 0. */
  sequence?: number;
  /** DTSTAMP (§3.8.7.2); default the options' stamp. */
  stamp?: Date;
  /** The viewer's default reminders, written when their reminders on the event are the defaults (default: none). */
  defaultReminders?: ReminderOverride[];
}

export interface RenderOptions {
  /** RFC 4791 §9.6.5: every occurrence in [start, end) as its own VEVENT with a UTC RECURRENCE-ID, no RRULE. */
  expand?: { start: Date; end: Date };
  /** RFC 5546 METHOD (iTIP), e.g. PUBLISH; absent for CalDAV resources (RFC 4791 §4.1). */
  method?: string;
  /**
   * DTSTAMP of events without their own. Default 1970-01-01T00:00:00Z: a fixed value, so one state
   * always gives the same bytes (CalDAV's strong ETags promise exactly that).
   */
  stamp?: Date;
}
