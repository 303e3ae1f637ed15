import { authenticatedUser, requireUser, type TokenService } from '@datebook/shared-kernel/http';
import { caldavPrecondition, DavError, davErrorHandler } from '@datebook/shared-kernel/dav';
import type { WrittenVersion } from '@datebook/shared-kernel';
import { readModelProgress, type SqlExecutor, untilApplied } from '@datebook/shared-kernel/ports';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';
import type { CalendarService } from '../calendars/calendarService';
import type { CommandContext } from '../commandHandling/handleCommand';
import type { UserAccounts } from '../users/userAccounts';
import { calendarObjectLookup } from './calendarObjectLookup';
import { makeCalendar, patchCollection } from './collectionWrites';
import { davErrorOf } from './davDomainErrors';
import { collectionHref, davWriteTargetOf, objectHref } from './davWriteTargets';
import { deleteObject, putObject } from './objectWrites';

export interface CalDavWriteDependencies {
  events: CalendarEventService;
  calendars: CalendarService;
  accounts: UserAccounts;
  tokens: TokenService;
  /** The read model (rm_events, rm_collection_members): where a UID's resource is looked for first. */
  readModel: SqlExecutor | undefined;
  clock: () => Date;
}

/** The methods this side answers under /dav; every other (GET, PROPFIND, REPORT, OPTIONS, …) is the query side's. */
/** How long a CalDAV write waits for the listings to show it before answering anyway. */
const LISTED_WITHIN_MS = 1_000;
const WRITES = new Set(['PUT', 'DELETE', 'MKCALENDAR', 'MKCOL', 'PROPPATCH']);

/**
 * CalDAV's writes (RFC 4791 §5.3, RFC 4918 §9.2, RFC 6638 §3.2): PUT and DELETE of a calendar object resource,
 * MKCALENDAR (and RFC 5689's extended MKCOL), PROPPATCH of a collection. Each is a command on the same aggregates as the REST routes. Signed in
 * with an app password over HTTP Basic (calendar apps) or a bearer token; a 401 challenges for Basic.
 */
export function calDavWriteRoutes(deps: CalDavWriteDependencies): Router {
  const router = Router();
  const lookup = calendarObjectLookup(deps.events, deps.readModel);
  const progress = deps.readModel && readModelProgress(deps.readModel);
  // A calendar app lists the collection right after its write, and CalDAV gives it no token to wait with:
  // the write answers once the listings have it (bounded: a lagging projector delays no write beyond 1 s).
  const listed = async (written: WrittenVersion) => {
    if (progress) await untilApplied(progress, written, { timeoutMs: LISTED_WITHIN_MS });
  };
  const objects = { events: deps.events, lookup, accounts: deps.accounts, listed };
  const collections = { calendars: deps.calendars, zoneOf: (userID: string) => deps.events.zoneOf(userID) };
  const signedIn = requireUser(deps.tokens, { offerBasic: true });
  const context = (req: Request): CommandContext => ({ actorID: authenticatedUser(req), now: deps.clock(), correlationId: req.correlationId });

  async function write(req: Request, res: Response): Promise<void> {
    const target = davWriteTargetOf(req.path);
    if (target === undefined) throw new DavError(404, 'nothing here takes this method');
    const href = target.kind === 'object' ? objectHref(target.calendarID, target.name) : target.kind === 'collection' ? collectionHref(target.calendarID) : req.path;
    try {
      if (req.method === 'MKCALENDAR' || req.method === 'MKCOL') {
        // RFC 4791 §5.3.1: calendars are made at /dav/calendars/<uuid>/ only (not inside one, not under another name).
        if (target.kind !== 'collection') throw caldavPrecondition(403, 'calendar-collection-location-ok', 'a calendar is made at /dav/calendars/<uuid>/');
        await makeCalendar(collections, req, res, target.calendarID, context(req));
        return;
      }
      if (target.kind === 'badCollection') throw new DavError(404, 'no such calendar');
      if (target.kind === 'object') {
        if (req.method === 'PUT') await putObject(objects, req, res, target, context(req));
        else if (req.method === 'DELETE') await deleteObject(objects, req, res, target, context(req));
        else throw new DavError(405, `${req.method} applies to a calendar, not to an event`);
        return;
      }
      if (req.method !== 'PROPPATCH') {
        res.setHeader('Allow', 'OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT, MKCALENDAR');
        throw new DavError(405, `${req.method} of a calendar collection is not supported`);
      }
      const { role } = await deps.events.accessTo(target.calendarID, authenticatedUser(req));
      if (role === 'none') throw new DavError(404, 'no such calendar');
      // Anyone who sees it may colour it on their own list; its details are its owners' (403 per property otherwise).
      await patchCollection(collections, req, res, target.calendarID, role === 'owner', context(req));
    } catch (error) {
      throw davErrorOf(error, href);
    }
  }

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!WRITES.has(req.method) || !/^\/dav(\/|$)/i.test(req.path)) return next();
    signedIn(req, res, (error?: unknown) => {
      if (error) return next(error);
      write(req, res).catch(next);
    });
  });
  router.use('/dav', davErrorHandler);
  return router;
}
