import { DEFAULT_OCCURRENCE_CAP, occurrencesOverlapping } from '@datebook/shared-kernel';
import { allDayWindow, type AttendanceRow, type PersonalOccurrence } from '@datebook/shared-kernel/ports';
import { Temporal } from 'temporal-polyfill';
import { byKeyThenID, type CalendarEntry, entryOf, itemIDOf, sortKeyOf } from './calendarEntry';
import type { PageCursor } from './calendarPageToken';

export interface OccurrencePage {
  events: CalendarEntry[];
  /** Where the next page starts; undefined on the last page. */
  next: PageCursor | undefined;
  /** True when a series had more occurrences at one instant than the cap, so paging had to pass over some. */
  truncated: boolean;
}

interface Candidate {
  key: number;
  id: string;
  occurrence: PersonalOccurrence;
}

/** Code-unit order, as the page token compares ids (not the locale's). */
const isAfter = (key: number, id: string, cursor: PageCursor) => key > cursor.start || (key === cursor.start && id > cursor.itemID);

/**
 * One page of the items overlapping [from, to), in (start, id) order, strictly after `after`. Each
 * series is expanded only from the page's position onward, and at most `maxResults + 1` occurrences
 * (more are never needed for one page), so a page costs what it returns, not what the window holds.
 *
 * A series cut short by that cap (or by the expansion budget) is complete only before the point it
 * reached (`completeBefore`); items past the earliest such point are left for the next page, which
 * starts there: nothing is lost between pages. Only a series with more occurrences at one instant than
 * DEFAULT_OCCURRENCE_CAP cannot be paged past; then `truncated` says so, as an unpaged view does.
 */
export function occurrencePage(rows: AttendanceRow[], window: { from: Date; to: Date }, viewerZone: string, maxResults: number, after?: PageCursor): OccurrencePage {
  const from = after ? Math.max(window.from.getTime(), after.start) : window.from.getTime();
  const to = window.to.getTime();
  const timedWindow = { from, to };
  // Computed only when an all-day row needs it: zone arithmetic costs more than a week of single events.
  let datesWindow: { from: number; to: number } | undefined;
  const cap = Math.min(DEFAULT_OCCURRENCE_CAP, maxResults + 1);
  let limit = Number.POSITIVE_INFINITY;
  let truncated = false;
  const candidates: Candidate[] = [];
  for (const row of rows) {
    const rowWindow = row.event.allDay ? (datesWindow ??= allDayWindow(new Date(from), window.to, viewerZone)) : timedWindow;
    let expansion = occurrencesOverlapping(row.event, rowWindow, cap);
    if (expansion.truncated && expansion.completeBefore <= rowWindow.from && cap < DEFAULT_OCCURRENCE_CAP) {
      // No progress at the page's cap (occurrences overlapping the position used it up): try the full one.
      expansion = occurrencesOverlapping(row.event, rowWindow, DEFAULT_OCCURRENCE_CAP);
    }
    if (expansion.truncated) {
      if (expansion.completeBefore <= rowWindow.from) truncated = true;
      else limit = Math.min(limit, row.event.allDay ? localMidnight(expansion.completeBefore, viewerZone) : expansion.completeBefore);
    }
    for (const found of expansion.occurrences) {
      const rsvpStatus = row.occurrenceResponses[found.originalStart] ?? row.rsvpStatus;
      if (rsvpStatus === 'DECLINED') continue;
      const occurrence: PersonalOccurrence = { ...found, row, rsvpStatus };
      const key = sortKeyOf(occurrence, viewerZone);
      const id = itemIDOf(occurrence);
      if (after && !isAfter(key, id, after)) continue;
      candidates.push({ key, id, occurrence });
    }
  }
  // Items at or past `limit` are not all known yet: a series left some of them for the next page.
  const known = limit === Number.POSITIVE_INFINITY ? candidates : candidates.filter((c) => c.key < limit);
  known.sort(byKeyThenID);
  const page = known.length > maxResults ? known.slice(0, maxResults) : known;
  const last = page.at(-1);
  let next: PageCursor | undefined;
  if (known.length > maxResults && last) next = { start: last.key, itemID: last.id };
  else if (limit !== Number.POSITIVE_INFINITY) next = { start: limit, itemID: '' };
  return { events: page.map((c) => entryOf(c.occurrence, c.id)), next, truncated };
}

/** The start of a date (given as its 00:00 UTC instant, as all-day expansion gives it) in the viewer's zone. */
function localMidnight(dateAsUtcMidnight: number, viewerZone: string): number {
  return Temporal.PlainDate.from(new Date(dateAsUtcMidnight).toISOString().slice(0, 10)).toZonedDateTime({ timeZone: viewerZone }).epochMilliseconds;
}
