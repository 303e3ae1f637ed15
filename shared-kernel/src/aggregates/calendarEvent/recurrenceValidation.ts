import type { EventTiming } from '../../calendar/eventTiming';
import { seriesOf } from '../../calendar/occurrences';
import { DomainError } from '../../errors/domainError';
import { RecurrenceError } from '../../recurrence/recurrenceError';
import { requireBoundedExpansion } from '../../recurrence/seriesEnd';

/**
 * Checks recurrence lines against the event's timing; a bad line is a 400 naming the line and the
 * rule part (RFC 5545 §3.3.10), e.g. `recurrence.0` / `COUNT: …`.
 */
export function validateRecurrence(lines: string[], timing: EventTiming, zoneGiven: boolean): void {
  if (lines.length === 0) return;
  if (!timing.allDay && !zoneGiven) {
    throw new DomainError('VALIDATION_FAILED', 'a recurring event needs the time zone it repeats in', [{ path: 'timeZone', message: 'required with recurrence' }]);
  }
  const asError = (error: unknown, path: string) =>
    error instanceof RecurrenceError ? new DomainError('VALIDATION_FAILED', `invalid recurrence: ${error.message}`, [{ path, message: error.message }]) : error;
  for (const [index, line] of lines.entries()) {
    try {
      seriesOf({ ...timing, recurrence: [line] });
    } catch (error) {
      throw asError(error, `recurrence.${index}`);
    }
  }
  try {
    seriesOf({ ...timing, recurrence: lines });
  } catch (error) {
    throw asError(error, 'recurrence');
  }
  // A rule within the limits can still be too sparse to expand whole under the budget: refused here.
  const ruleLine = lines.findIndex((line) => /^\s*RRULE[:;]/i.test(line));
  try {
    requireBoundedExpansion(seriesOf({ ...timing, recurrence: lines }));
  } catch (error) {
    throw asError(error, ruleLine >= 0 ? `recurrence.${ruleLine}` : 'recurrence');
  }
}
