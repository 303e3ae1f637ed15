import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, feedTokenMatches, feedTokenParts } from '@datebook/shared-kernel';
import { type HotRoutes, problemFor, type RouteDoc, sendJson } from '@datebook/shared-kernel/http';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { type FeedCalendar, feedCalendars } from './feedCalendars';
import { feedRendering } from './feedRendering';

export const feedRouteDocs: RouteDoc[] = [
  {
    method: 'get', path: '/feeds/{token}.ics', operationId: 'readFeed', authenticated: false,
    summary: 'A calendar through its secret address (no sign-in): text/calendar, every event as a reader of the calendar sees it (private ones as busy time), no reminders. '
      + 'Answers ETag and Cache-Control: private, max-age=60; send the ETag back as If-None-Match for a 304. POST /calendars/{calendarID}/feeds makes the address',
    headers: { 'If-None-Match': 'The ETag of the copy you have: 304 Not Modified, with no body, while the calendar is unchanged' },
    responses: {
      200: { description: 'The calendar (text/calendar; charset=utf-8)', headers: ['ETag'] },
      304: { description: 'Not modified since the ETag in If-None-Match', headers: ['ETag'] },
      404: { description: 'FEED_NOT_FOUND: no such secret address, or a revoked one (nothing tells which)' },
    },
  },
];

const FEED_PATH = /^\/feeds\/([A-Za-z0-9_-]{1,200})\.ics$/;
// Apps may keep a copy a minute; it is one person's calendar, so no shared cache may (RFC 9111 §5.2.2.7).
const CACHE_CONTROL = 'private, max-age=60';

/**
 * GET /feeds/<token>.ics, served ahead of Express (see `jsonRoutes`): a thousand apps polling a calendar every
 * few minutes mostly get 304, answered from memory (the calendar and its change counter are read at most once a
 * second, see `feedCalendars`). Whatever is wrong with a token (its shape, its calendar, its feed, its secret,
 * a revocation) answers the same 404.
 */
export function feedRoutes(deps: { store: EventStore; readModel: SqlExecutor; clock: () => Date; logger: Logger }): HotRoutes {
  const calendars = feedCalendars(deps);
  const rendering = feedRendering(deps);

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    if (!url.startsWith('/feeds/')) return false;
    const q = url.indexOf('?');
    const token = FEED_PATH.exec(q < 0 ? url : url.slice(0, q))?.[1];
    void serve(req, res, token).catch((error: unknown) => {
      const { body } = problemFor(error, deps.logger);
      if (!res.headersSent) sendJson(req, res, body.status, 'application/problem+json; charset=utf-8', body);
      else res.destroy();
    });
    return true;
  };

  async function serve(req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
    const found = token === undefined ? undefined : await verified(token);
    if (!found) throw new DomainError('FEED_NOT_FOUND', 'no such feed');
    const { calendar, feedID } = found;
    const etag = `"${calendar.epoch.slice(0, 8)}-${calendar.seq}-${calendar.version}-${feedID}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    if (noneMatch(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const body = await rendering.body(calendar);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function verified(token: string): Promise<{ calendar: FeedCalendar; feedID: string } | undefined> {
    const parts = feedTokenParts(token);
    if (!parts) return undefined;
    let calendar = await calendars.get(parts.calendarID);
    // A feed the kept copy does not know may be new: the calendar is read again (one small read of its stream).
    if (calendar && !calendar.feeds.has(parts.feedID)) calendar = await calendars.refresh(parts.calendarID);
    const kept = calendar?.feeds.get(parts.feedID);
    if (!calendar || kept === undefined || !feedTokenMatches(token, kept)) return undefined;
    return { calendar, feedID: parts.feedID };
  }
}

/** RFC 9110 §13.1.2 If-None-Match: `*`, or any listed tag equal to ours by the weak comparison. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
