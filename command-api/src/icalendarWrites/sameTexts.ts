import { type OccurrenceValues, textAsWritten } from '@datebook/shared-kernel';

/**
 * A stored text against one read back from iCalendar: equal when writing the stored one gives the other
 * (line breaks of any kind become `\n`, control characters are dropped: RFC 5545 §3.3.11).
 */
export function sameText(stored: string | null, read: string | null): boolean {
  if (stored === null || read === null) return stored === read;
  return stored === read || textAsWritten(stored) === read;
}

/** An occurrence's values as stored against those read: instants compared as instants, texts as written. */
export function sameOccurrenceValues(stored: OccurrenceValues, read: OccurrenceValues): boolean {
  return (
    Date.parse(stored.startTime) === Date.parse(read.startTime) &&
    Date.parse(stored.endTime) === Date.parse(read.endTime) &&
    stored.startDate === read.startDate &&
    stored.endDate === read.endDate &&
    sameText(stored.title, read.title) &&
    sameText(stored.description, read.description) &&
    sameText(stored.location, read.location)
  );
}
