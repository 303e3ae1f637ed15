/** When an event happens: instants for timed events; dates (and their 00:00 UTC instants) for all-day ones. */
export interface EventTiming {
  /** The (first) occurrence's start and end as UTC instants; for all-day events the dates at 00:00 UTC. */
  startTime: string;
  /**
   * The start's nominal wall time in `timeZone` (the series' DTSTART), when the client named one or the
   * event recurs; null or absent (states folded before it existed): `startTime`'s wall time.
   */
  startLocal?: string | null;
  endTime: string;
  timeZone: string;
  allDay: boolean;
  startDate: string | null;
  endDate: string | null;
}
