import { DomainError, escapeText, foldLine, yieldToLoop } from '@datebook/shared-kernel';
import { streamBody } from '@datebook/shared-kernel/dav';
import { authenticatedUser, parseInput, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import { type EventStore, roleOn, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { calendarRenderer } from '../caldav/calendarData';
import { collectionMembers } from '../caldav/collectionMembers';
import { noneMatchSatisfied } from '../caldav/conditionalRequests';
import { davViewerOf } from '../caldav/davViewer';
import { representationOf } from '../caldav/representation';
import { CalendarObjectMerge } from './calendarObjectMerge';

const CalendarIDParams = z.object({
  calendarID: z.union([z.literal('primary'), z.uuid()]).describe("A calendar id (UUID), or `primary`: the caller's own"),
});

export const icalendarExportRouteDocs: RouteDoc[] = [
  {
    method: 'get', path: '/calendars/{calendarID}/events.ics', operationId: 'exportCalendar',
    summary: 'Every event of the calendar you may see, as iCalendar (RFC 5545): VTIMEZONEs, series with their changed occurrences, attendees, your reminders; busy blocks only where your role shows busy time only. Bearer token or an app password (HTTP Basic). ETag / If-None-Match → 304',
    headers: { 'If-None-Match': 'The ETag of the copy you have: 304 when it is still current' },
    responses: { 200: { description: 'text/calendar' }, 304: { description: 'Your copy is current' }, 404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' } },
  },
];

/** Members read per query, rendered a slice at a time (see calendarRenderer.inSlices). */
const CHUNK = 500;
/** Events (and zones) per write to the socket. */
const PIECES_PER_WRITE = 200;

/**
 * GET /calendars/:calendarID/events.ics: the calendar's CalDAV collection (its events, and for one's own
 * primary the invitations too) in one VCALENDAR, each event as the caller may see it (the rights of
 * design 14, as CalDAV's). Its ETag changes with the collection's change counter, the calendar (name,
 * rules) and the caller's role, so a poll with If-None-Match costs a few small reads and no rendering.
 */
export function icalendarExportRoutes(deps: { store: EventStore; readModel: SqlExecutor; tokens: TokenService }): Router {
  const router = Router();
  const members = collectionMembers(deps.readModel);
  const renderer = calendarRenderer(members);

  // GET /calendars/:id with `Accept: text/calendar` (and not JSON first) is the same file (RFC 9110 §12.5.1);
  // any other GET of it goes on to the JSON calendar resource.
  const wantsICalendar = (req: Request, _res: Response, next: NextFunction) => next(req.accepts(['application/json', 'text/calendar']) === 'text/calendar' ? undefined : 'router');
  router.get(['/calendars/:calendarID/events.ics', '/calendars/:calendarID'], (req, res, next) => (req.path.endsWith('.ics') ? next() : wantsICalendar(req, res, next)), requireUser(deps.tokens, { offerBasic: true }), async (req: Request, res: Response) => {
    const { calendarID: asked } = parseInput(CalendarIDParams, req.params, 'params');
    const viewerID = authenticatedUser(req);
    const calendarID = asked === 'primary' ? viewerID : asked;
    const viewer = await davViewerOf(deps.store, viewerID);
    const [{ calendar, role }, version] = await Promise.all([roleOn(deps.store, calendarID, viewer.reader), members.versionOf(calendarID)]);
    const state = calendar.state;
    if (role === 'none' || state.status === 'absent' || state.status === 'deleted') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
    const etag = `"${version.epoch ?? '0'}.${version.seq}.${calendar.version ?? 0}.${role}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (noneMatchSatisfied(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    const seen = { calendarID, role };
    const merge = new CalendarObjectMerge();
    let after: string | undefined;
    for (;;) {
      const page = await members.present(calendarID, viewerID, { withState: true, limit: CHUNK, ...(after ? { after } : {}) });
      const items = page.flatMap((member) => (member.state ? [{ state: member.state, representation: representationOf(member, seen, viewer), sequence: member.sequence ?? 0 }] : []));
      // An empty calendar is rendered too: its VCALENDAR's properties head the file.
      if (items.length > 0 || after === undefined) for (const calendar of await renderer.inSlices(items)) merge.add(calendar);
      if (page.length < CHUNK) break;
      after = page.at(-1)?.eventID;
      await yieldToLoop();
    }
    // The calendar's name and zone, as Google's and Apple's exports name them (read by most apps).
    const name = [foldLine(`X-WR-CALNAME:${escapeText(state.summary)}`), foldLine(`X-WR-TIMEZONE:${state.timeZone}`)];
    // Sent piece by piece as the socket takes them: a 10,000-event file is never joined into one string.
    const pieces = merge.pieces(name);
    await streamBody(res, 200, 'text/calendar; charset=utf-8', async (emit) => {
      for (let i = 0; i < pieces.length; i += PIECES_PER_WRITE) await emit(pieces.slice(i, i + PIECES_PER_WRITE).join(''));
    });
  });

  return router;
}
