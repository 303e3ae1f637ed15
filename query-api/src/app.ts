import { type HotRoutes, jsonRoutes, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import { type EventStore, type ProjectionProgress, readModelProgress, type RolesReader, rolesOf, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { DomainError } from '@datebook/shared-kernel';
import { Router } from 'express';
import type { Logger } from 'pino';
import { availabilityRouteDocs, availabilityRoutes } from './availability/availability.routes';
import { calendarListRouteDocs, calendarListRoutes } from './calendarList/calendarList.routes';
import { personalCalendarList } from './calendarList/personalCalendarList';
import { calendarReadRouteDocs, calendarReadRoutes } from './calendars/calendarRead.routes';
import { calendarRoute, calendarViewRouteDocs, eventDetailsRoutes } from './calendarViews/calendarView.routes';
import type { AttendanceSource, BusyCheck, BusySource } from './calendarViews/cachedAttendance';
import { readModelQueries } from './calendarViews/readModelQueries';
import { calendarSelection } from './calendarViews/calendarSelection';
import type { KeptAnswers } from './calendarViews/keptAnswers';
import { consistencyWait, readYourWrites } from './consistency/readYourWrites';
import { freeBusyRouteDocs, freeBusyRoutes } from './freeBusy/freeBusy.routes';
import { eventHistoryRouteDocs, eventHistoryRoutes } from './history/eventHistory.routes';
import { feedRouteDocs, feedRoutes } from './feeds/feed.routes';
import { feedListRouteDocs, feedListRoutes } from './feeds/feedList.routes';
import { caldavRoutes } from './caldav/caldav.routes';
import { icalendarExportRouteDocs, icalendarExportRoutes } from './icalendarExport/icalendarExport.routes';

export interface QueryApiDependencies {
  readModel: SqlExecutor;
  store: EventStore;
  /** Defaults to the PostgreSQL read model's own version stamps. */
  progress?: ProjectionProgress;
  tokens: TokenService;
  clock: () => Date;
  /** Where the hot routes log what fails unexpectedly. */
  logger: Logger;
  consistencyTimeoutMs?: number;
  /** Where calendar reads get their rows (`cachedAttendance` over the views); defaults to the read model. */
  attendance?: AttendanceSource;
  /** Where free/busy and availability get busy time (`cachedAttendance(…).busy` and `.whoIsBusy`); default: the read model. */
  busy?: BusySource;
  whoIsBusy?: BusyCheck;
  /** Calendar answers kept beside the stamps they were built under (see keptAnswers.ts); none kept without it. */
  kept?: KeptAnswers;
  /** Where free/busy and availability read who may see what (`stampedRoles`); default: the store on every request (`rolesOf`). */
  roles?: RolesReader;
}

export { type AttendanceSource, type BusyCheck, type BusySource, type CachedAttendance, cachedAttendance, postgresAttendance, postgresBusyTime } from './calendarViews/cachedAttendance';

/**
 * The read side's routes: calendar views, event details, availability, free/busy and audit history.
 * The hot ones (the calendar, availability, free/busy) are `jsonRoutes`, served ahead of Express.
 */
export function queryApi(deps: QueryApiDependencies): { router: Router; jsonRoutes: HotRoutes; routeDocs: RouteDoc[] } {
  const queries = readModelQueries(deps.readModel, { clock: deps.clock, ...(deps.attendance ? { attendance: deps.attendance } : {}), ...(deps.busy ? { busy: deps.busy } : {}), ...(deps.whoIsBusy ? { whoIsBusy: deps.whoIsBusy } : {}) });
  const consistency = consistencyWait(deps.progress ?? readModelProgress(deps.readModel), deps.consistencyTimeoutMs === undefined ? {} : { timeoutMs: deps.consistencyTimeoutMs });
  const roles: RolesReader = deps.roles ?? ((readerID, calendarIDs) => rolesOf(deps.store, readerID, calendarIDs));
  const hot = jsonRoutes(
    [calendarRoute({ queries, clock: deps.clock, selection: calendarSelection({ store: deps.store, readModel: deps.readModel }), ...(deps.kept ? { kept: deps.kept } : {}) }), ...availabilityRoutes({ queries, roles }), ...freeBusyRoutes({ queries, roles })],
    { tokens: deps.tokens, logger: deps.logger, consistency },
  );
  const router = Router();
  const reads = Router();
  reads.use(requireUser(deps.tokens));
  reads.use(readYourWrites(consistency));
  reads.use(eventDetailsRoutes({ queries, selection: calendarSelection({ store: deps.store, readModel: deps.readModel }) }));
  reads.use(eventHistoryRoutes({ store: deps.store }));
  // Availability is asked with PATCH (served ahead of Express); any other method names the one that works (RFC 9110 §15.5.6).
  router.all('/events/availability', (_req, res) => {
    res.setHeader('Allow', 'PATCH');
    throw new DomainError('METHOD_NOT_ALLOWED', 'ask availability with PATCH /events/availability');
  });
  router.get('/events/*path', reads);
  // Calendars are read from the event store itself, so no consistency wait: a revocation applies to the next read.
  // CalDAV and the .ics export take app passwords (HTTP Basic) as well as bearer tokens: ahead of the bearer-only routes.
  router.use(caldavRoutes({ store: deps.store, readModel: deps.readModel, tokens: deps.tokens, clock: deps.clock, busyTime: (ids, from, to) => queries.busyTime(ids, from, to) }));
  router.use(icalendarExportRoutes({ store: deps.store, readModel: deps.readModel, tokens: deps.tokens }));
  router.get('/calendars/:calendarID/feeds', requireUser(deps.tokens), feedListRoutes({ store: deps.store }));
  router.get('/calendars/*path', requireUser(deps.tokens), calendarReadRoutes({ store: deps.store }));
  router.get('/users/me/calendarList', requireUser(deps.tokens), calendarListRoutes({ list: personalCalendarList({ store: deps.store, readModel: deps.readModel }) }));
  // Secret addresses (no sign-in) are answered ahead of Express too: their 304 is the hottest path of all.
  const feeds = feedRoutes({ store: deps.store, readModel: deps.readModel, clock: deps.clock, logger: deps.logger });
  return { router, jsonRoutes: (req, res) => feeds(req, res) || hot(req, res), routeDocs: [...feedRouteDocs, ...feedListRouteDocs, ...icalendarExportRouteDocs, ...calendarViewRouteDocs, ...availabilityRouteDocs, ...eventHistoryRouteDocs, ...freeBusyRouteDocs, ...calendarReadRouteDocs, ...calendarListRouteDocs] };
}
