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
  /** Components inside components (VCALENDAR › VEVENT › VALARM is 3). */
  maxNesting: number;
  /** Properties of one component. */
  maxPropertiesPerComponent: number;
  /**
   * Recurrence expansion steps (see ExpansionBudget) checking every series of the file may take in all:
   * the domain's per-series budget bounds one series, this bounds a file of many.
   */
  maxRecurrenceSteps: number;
}

export const DEFAULT_ICALENDAR_LIMITS: Readonly<ICalendarLimits> = Object.freeze({
  maxInputOctets: 10 * 1024 * 1024,
  maxEvents: 50_000,
  maxLineOctets: 64 * 1024,
  maxNesting: 8,
  maxPropertiesPerComponent: 1_000,
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
