import { DOMAIN_END_MS, DOMAIN_START_MS, DomainError, MAX_EVENT_LENGTH_MS } from '@datebook/shared-kernel';
import { decodeOpaqueToken, encodeOpaqueToken, timeZoneSchema } from '@datebook/shared-kernel/http';
import { z } from 'zod';

/**
 * The position after which the next page of a calendar window starts: the sort key (start, as the
 * listing orders items) and id of the last item returned, or a synthetic position (`itemID` '') where
 * a page had to stop before it knew more. The next page lists strictly after it, so an item is never
 * listed twice nor skipped, whatever is written between pages.
 */
export interface PageCursor {
  start: number;
  itemID: string;
}

/** A page token: the window and zone it lists, and where the listing stopped. */
export interface CalendarPage {
  from: number;
  to: number;
  timeZone: string;
  after: PageCursor;
}

const instantMs = z.number().int().min(DOMAIN_START_MS).max(DOMAIN_END_MS);
// An item id: an event id, or `<series id>_<original start, basic format>` (readModelQueries.ts); '' for a synthetic position.
const ITEM_ID = /^$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(_\d{8}(T\d{6}Z)?)?$/i;

const TokenSchema = z
  .object({ f: instantMs, t: instantMs, z: timeZoneSchema, s: z.number().int(), i: z.string().max(60).regex(ITEM_ID) })
  .strict()
  // The cursor lies where an item of this window can start: at most one event's length before it (an all-day day in any zone earlier).
  .refine((p) => p.f < p.t && p.s >= p.f - MAX_EVENT_LENGTH_MS - 86_400_000 && p.s <= p.t);

/** Longest token this server writes is about 200 characters. */
const MAX_TOKEN_CHARS = 400;

export function encodeCalendarPage(page: CalendarPage): string {
  return encodeOpaqueToken({ f: page.from, t: page.to, z: page.timeZone, s: page.after.start, i: page.after.itemID });
}

function notOurs(message = 'not a page token'): DomainError {
  return new DomainError('VALIDATION_FAILED', 'the page token is not one this server gave out for this window', [{ path: 'pageToken', message }]);
}

/** The page a token names; one this server did not write is refused with 400 naming `pageToken`. */
export function decodeCalendarPage(token: string): CalendarPage {
  const page = decodeOpaqueToken(token, TokenSchema, MAX_TOKEN_CHARS);
  if (!page) throw notOurs();
  const { f, t, z: timeZone, s, i } = page;
  return { from: f, to: t, timeZone, after: { start: s, itemID: i } };
}

/** Refuses a token used with another window or zone than the one it was given out for. */
export function requireSameWindow(page: CalendarPage, window: { from: Date; to: Date }, timeZone: string): void {
  if (page.from !== window.from.getTime() || page.to !== window.to.getTime() || page.timeZone !== timeZone) throw notOurs('belongs to another window');
}
