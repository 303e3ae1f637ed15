import { MAX_EXCEPTIONS_PER_SERIES } from '../aggregates/calendarEvent/invariants';
/**
 * What one iCalendar text may hold. RFC 5545 sets no bounds; a server reading untrusted files must, so
 * that reading one costs at most what these allow (every loop of the reader is bounded by them).
 */
export interface ICalendarLimits {
  /** The whole text, in UTF-8 octets. */
  maxInputOctets: number;
  /** VEVENT components, overrides included. */
  maxEvents: number;
  /** One content line after unfolding (RFC 5545 §3.1), in UTF-8 octets. */
  maxLineOctets: number;
  /**
   * Content lines of the whole text. Reading costs about a microsecond a line, all of it on the event loop:
   * a request reads a text whole only within a bound it sets (a CalDAV PUT), or in parts (an import).
   */
  maxContentLines: number;
  /** Components inside components (VCALENDAR › VEVENT › VALARM is 3). */
  maxNesting: number;
  /** Properties of one component. */
  maxPropertiesPerComponent: number;
  /**
   * RECURRENCE-ID VEVENTs of one UID (changed or cancelled occurrences, RFC 5545 §3.8.4.4): each is an event
   * of the series' stream, folded, stored and rendered by every reader, so a series beyond it is skipped.
   */
  maxOverridesPerEvent: number;
  /**
   * Recurrence expansion steps (see ExpansionBudget) checking every series of the file may take in all:
   * the domain's per-series budget bounds one series, this bounds a file of many.
   */
  maxRecurrenceSteps: number;
}

/** The most changed or cancelled occurrences one event written as iCalendar carries: the domain's own bound (ICalendarLimits.maxOverridesPerEvent). */
export const MAX_OVERRIDES_PER_EVENT = MAX_EXCEPTIONS_PER_SERIES;

export const DEFAULT_ICALENDAR_LIMITS: Readonly<ICalendarLimits> = Object.freeze({
  maxInputOctets: 10 * 1024 * 1024,
  maxEvents: 50_000,
  maxLineOctets: 64 * 1024,
  maxContentLines: Number.POSITIVE_INFINITY,
  maxNesting: 8,
  maxPropertiesPerComponent: 1_000,
  maxOverridesPerEvent: MAX_OVERRIDES_PER_EVENT,
  maxRecurrenceSteps: 2_000_000,
});

export function limitsWith(overrides: Partial<ICalendarLimits> | undefined): ICalendarLimits {
  const limits = { ...DEFAULT_ICALENDAR_LIMITS };
  for (const key of Object.keys(limits) as (keyof ICalendarLimits)[]) {
    const value = overrides?.[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
