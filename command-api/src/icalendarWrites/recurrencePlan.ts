import { type CalendarEventDetails, type EventDraft, type EventTiming, occurrencesAmong } from '@datebook/shared-kernel';
import { exdateLines, meaningOf, sameRules, sameSet } from './recurrenceKeys';

/** What a draft's recurrence asks of the series: new lines (when they differ) and occurrences to cancel. */
export interface RecurrencePlan {
  recurrence?: string[];
  /** Original starts to cancel (CancelOccurrence), each an occurrence of the series as it will be. */
  cancel: string[];
}

/**
 * Reconciles a draft's recurrence with the stored series. An export writes a cancelled occurrence as an
 * EXDATE (RFC 5545 §3.8.5.1), as it writes the series' own EXDATE lines, so an EXDATE read back may be
 * either. One the series already excludes changes nothing; a new one on an occurrence cancels it (as
 * the REST path's DELETE of an occurrence does, so attendees hear of that occurrence); a new one on no
 * occurrence stays a line. Lines unchanged in meaning are kept as stored. A cancelled occurrence the
 * draft no longer excludes stays cancelled: the domain has no way back for it.
 */
export function planRecurrence(current: CalendarEventDetails, draft: EventDraft, nextTiming: EventTiming): RecurrencePlan {
  const stored = meaningOf(current.recurrence, current);
  const read = meaningOf(draft.recurrence, nextTiming);
  const cancelled = new Set(Object.entries(current.exceptions).filter(([, e]) => e.cancelled).map(([key]) => key));
  const excluded = new Set([...read.exdates, ...draft.overrides.filter((o) => o.values === null).map((o) => o.originalStart)]);
  const rulesKept = sameRules(stored, read) && current.timeZone === nextTiming.timeZone && current.allDay === nextTiming.allDay;
  // EXDATE lines whose values are occurrence keys are rewritten from the keys; the rest are rule text.
  const keyed = (line: string) => /^\s*EXDATE[;:]/i.test(line) && (nextTiming.allDay || !/[;:]VALUE=DATE[;:]/i.test(line));
  const ruleLines = (rulesKept ? current.recurrence : draft.recurrence).filter((line) => !keyed(line));

  const fresh = [...excluded].filter((key) => !stored.exdates.has(key) && !cancelled.has(key));
  const series = { ...current, ...nextTiming, recurrence: [...ruleLines, ...exdateLines([...excluded].filter((k) => stored.exdates.has(k)), nextTiming)] };
  // A draft lists at most MAX_LISTED_DATES values (the parser's limit), checked with one expansion of their span.
  const occurring = occurrencesAmong(series, fresh);
  const cancel = fresh.filter((key) => occurring.has(key));
  const cancelling = new Set(cancel);
  const lineKeys = new Set([...excluded].filter((key) => stored.exdates.has(key) || (!cancelled.has(key) && !cancelling.has(key))));

  if (rulesKept && sameSet(lineKeys, stored.exdates)) return { cancel };
  return { recurrence: [...ruleLines, ...exdateLines(lineKeys, nextTiming)], cancel };
}
