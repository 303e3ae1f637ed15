import { type TokenService, requireUser } from '@datebook/shared-kernel/http';
import {
  caldavName, DavError, davErrorHandler, davName, isNamed, readDavXml, readRequestBody, streamMultistatus, unsupportedReport, DEFAULT_XML_LIMITS, type XmlElement,
} from '@datebook/shared-kernel/dav';
import { type EventStore, type LoadedCalendar, readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { personalCalendarList } from '../calendarList/personalCalendarList';
import { calendarRenderer } from './calendarData';
import { calendarMultigetReport } from './calendarMultigetReport';
import { calendarObjectGet } from './calendarObjectGet';
import { calendarQueryReport } from './calendarQueryReport';
import { seenCollection } from './collectionAccess';
import { collectionMembers } from './collectionMembers';
import type { DavContext } from './davContext';
import { DAV_ROOT, davTargetOf, type DavTarget } from '@datebook/shared-kernel/dav';
import { davViewerOf } from './davViewer';
import { type BusyTimeSource, freeBusyQueryReport } from './freeBusyQueryReport';
import { depthOf, propfind } from './propfind';
import { propfindRequestOf } from './propRequest';
import { syncCollectionReport } from './syncCollectionReport';

export interface CaldavDependencies {
  store: EventStore;
  readModel: SqlExecutor;
  tokens: TokenService;
  clock: () => Date;
  /** Busy time per calendar (POST /freebusy's source), for free-busy-query. */
  busyTime: BusyTimeSource;
}

/** RFC 4918 §10.1, RFC 3744 §7.2, RFC 4791 §5.1, RFC 5689 §3: what the server speaks (writes are the command side's). */
export const DAV_COMPLIANCE = '1, 3, access-control, calendar-access, extended-mkcol';
export const DAV_METHODS = 'OPTIONS, GET, HEAD, PROPFIND, REPORT, PUT, DELETE, MKCALENDAR, MKCOL, PROPPATCH';

/** The methods this side answers; the others (PUT, DELETE, MKCALENDAR, PROPPATCH, …) go on to the command side. */
const READ_METHODS = new Set(['OPTIONS', 'PROPFIND', 'REPORT', 'GET', 'HEAD']);

/** Whether the request asked for only what was found (RFC 8144 §2.1 Prefer: return=minimal; Apple's Brief: t). */
const wantsMinimal = (req: Request) => /\breturn=minimal\b/i.test(String(req.headers.prefer ?? '')) || String(req.headers.brief ?? '').toLowerCase() === 't';

/** The XML body of a PROPFIND or REPORT, undefined when empty (up to 1 MiB, read a slice at a time; see readDavXml for what is refused). */
async function xmlBodyOf(req: Request): Promise<XmlElement | undefined> {
  const body = await readRequestBody(req, DEFAULT_XML_LIMITS.maxBytes);
  if (body.toString('utf8').trim() === '') return undefined;
  return readDavXml(body);
}

/**
 * CalDAV's read side (RFC 4791, RFC 6578, RFC 6764) on the DAV tree (see davPaths): discovery, PROPFIND,
 * the four REPORTs and GET of events, for clients signed in with a bearer token or an app password (HTTP
 * Basic). Rights are read from the event store on every request; contents from the read model.
 */
export function caldavRoutes(deps: CaldavDependencies): Router {
  const router = Router();
  const members = collectionMembers(deps.readModel);
  const renderer = calendarRenderer(members);
  const list = personalCalendarList({ store: deps.store, readModel: deps.readModel });
  const signedIn = requireUser(deps.tokens, { offerBasic: true });

  // RFC 6764 §5: the well-known URI points at the DAV root (no sign-in needed to learn where it is).
  router.all('/.well-known/caldav', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.redirect(301, DAV_ROOT);
  });

  async function serve(req: Request, res: Response, target: DavTarget): Promise<void> {
    // The calendar a request names is read alongside the viewer, not after: one round trip less on every request.
    const calendars = new Map<string, Promise<LoadedCalendar>>();
    const calendarOf = (calendarID: string) => {
      let read = calendars.get(calendarID);
      if (!read) calendars.set(calendarID, (read = readCalendar(deps.store, calendarID)));
      return read;
    };
    if ('calendarID' in target) calendarOf(target.calendarID).catch(() => undefined);
    const viewer = await davViewerOf(deps.store, req.userID as string);
    const context: DavContext = { viewer, members, renderer, store: deps.store, minimal: wantsMinimal(req), clock: deps.clock, calendarOf };
    if (context.minimal) res.setHeader('Preference-Applied', 'return=minimal');
    switch (req.method) {
      case 'PROPFIND': {
        const depth = depthOf(req.headers.depth as string | undefined);
        const request = propfindRequestOf(await xmlBodyOf(req));
        return streamMultistatus(res, (emit) => propfind(context, list, target, req.path, depth, request, emit));
      }
      case 'REPORT':
        return report(req, res, context, target);
      default: // GET, HEAD
        if (target.kind !== 'object') {
          res.setHeader('Allow', 'OPTIONS, PROPFIND, REPORT');
          throw new DavError(405, 'a collection is read with PROPFIND and REPORT; events with GET');
        }
        return calendarObjectGet(context, target, { ifNoneMatch: req.headers['if-none-match'], ifMatch: req.headers['if-match'] }, res, req.method === 'HEAD');
    }
  }

  async function report(req: Request, res: Response, context: DavContext, target: DavTarget): Promise<void> {
    const body = await xmlBodyOf(req);
    if (!body) throw new DavError(400, 'a REPORT needs a body naming the report');
    if (target.kind !== 'collection') throw unsupportedReport('reports are answered on calendar collections');
    const seen = await seenCollection(deps.store, context.viewer, target.calendarID, context.calendarOf);
    if (isNamed(body, caldavName('free-busy-query'))) {
      const calendar = await freeBusyQueryReport(deps.busyTime, seen, body, deps.clock());
      res.status(200).setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Cache-Control', 'private, no-cache');
      res.send(calendar);
      return;
    }
    if (isNamed(body, caldavName('calendar-query'))) return streamMultistatus(res, (emit) => calendarQueryReport(context, seen, body, emit));
    if (isNamed(body, caldavName('calendar-multiget'))) return streamMultistatus(res, (emit) => calendarMultigetReport(context, seen, body, emit));
    if (isNamed(body, davName('sync-collection'))) return streamMultistatus(res, (emit) => syncCollectionReport(context, seen, body, emit));
    throw unsupportedReport(`the ${body.local} report is not supported`);
  }

  function handle(req: Request, res: Response, next: NextFunction): void {
    if (!READ_METHODS.has(req.method)) return next();
    res.setHeader('DAV', DAV_COMPLIANCE);
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', DAV_METHODS);
      res.status(200).end();
      return;
    }
    const target = davTargetOf(req.path);
    signedIn(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!target) return next(new DavError(404, 'nothing here'));
      serve(req, res, target).catch(next);
    });
  }

  router.all(['/dav', '/dav/*rest'], handle);
  // Discovery from the server's root (clients given only the host name, RFC 6764 §5 fallback).
  router.propfind('/', handle);
  router.use(davErrorHandler);
  return router;
}
