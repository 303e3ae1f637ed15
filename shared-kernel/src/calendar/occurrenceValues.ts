/** What one occurrence shows: the series' values, or those its exception (RFC 5545 RECURRENCE-ID override) gives it. */
export interface OccurrenceValues {
  startTime: string;
  endTime: string;
  startDate: string | null;
  endDate: string | null;
  title: string;
  description: string | null;
  location: string | null;
}
