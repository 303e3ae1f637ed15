import { requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { availabilityRouteDocs, availabilityRoutes } from './availability/availability.routes';
import { calendarViewRouteDocs, calendarViewRoutes } from './calendarViews/calendarView.routes';
import type { AttendanceSource, BusyCheck, BusySource } from './calendarViews/cachedAttendance';
import { readModelQueries } from './calendarViews/readModelQueries';
import { readModelProgress } from './consistency/readModelProgress';
import { type ProjectionProgress, readYourWrites } from './consistency/readYourWrites';
import { freeBusyRouteDocs, freeBusyRoutes } from './freeBusy/freeBusy.routes';
import { eventHistoryRouteDocs, eventHistoryRoutes } from './history/eventHistory.routes';

export interface QueryApiDependencies {
  readModel: SqlExecutor;
  store: EventStore;
  /** Defaults to the PostgreSQL read model's own version stamps. */
  progress?: ProjectionProgress;
  tokens: TokenService;
  clock: () => Date;
  consistencyTimeoutMs?: number;
  /** Where calendar reads get their rows (`cachedAttendance` over the views); defaults to the read model. */
  attendance?: AttendanceSource;
  /** Where free/busy and availability get busy time (`cachedAttendance(…).busy` and `.whoIsBusy`); default: the read model. */
  busy?: BusySource;
  whoIsBusy?: BusyCheck;
}

export { type AttendanceSource, type BusyCheck, type BusySource, type CachedAttendance, cachedAttendance, postgresAttendance, postgresBusyTime } from './calendarViews/cachedAttendance';

/** The read side's routes: calendar views, event details, availability and audit history. */
export function queryApi(deps: QueryApiDependencies): { router: Router; routeDocs: RouteDoc[] } {
  const queries = readModelQueries(deps.readModel, { ...(deps.attendance ? { attendance: deps.attendance } : {}), ...(deps.busy ? { busy: deps.busy } : {}), ...(deps.whoIsBusy ? { whoIsBusy: deps.whoIsBusy } : {}) });
  const router = Router();
  const reads = Router();
  reads.use(requireUser(deps.tokens));
  reads.use(readYourWrites(deps.progress ?? readModelProgress(deps.readModel), deps.consistencyTimeoutMs === undefined ? {} : { timeoutMs: deps.consistencyTimeoutMs }));
  // Availability is registered before /events/:eventID so "availability" is never read as an id.
  reads.use(availabilityRoutes({ queries }));
  reads.use(calendarViewRoutes({ queries, clock: deps.clock }));
  reads.use(eventHistoryRoutes({ store: deps.store }));
  reads.use(freeBusyRoutes({ readModel: deps.readModel, queries }));
  router.get(['/events', '/events/*path'], reads);
  router.patch('/events/availability', reads);
  router.post(['/freebusy', '/freebusy/suggestions'], reads);
  return { router, routeDocs: [...calendarViewRouteDocs, ...availabilityRouteDocs, ...eventHistoryRouteDocs, ...freeBusyRouteDocs] };
}
