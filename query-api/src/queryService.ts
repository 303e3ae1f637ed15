import type { TokenService } from '@datebook/shared-kernel/http';
import { type AccessStamps, type CalendarViews, type EventStore, type SqlExecutor, stampedRoles, type ViewCopyRequests } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { queryApi } from './app';
import { cachedAttendance } from './calendarViews/cachedAttendance';
import { keptAnswers } from './calendarViews/keptAnswers';

export interface QueryServiceDependencies {
  /** The PostgreSQL read model the projector writes. */
  readModel: SqlExecutor;
  /** The per-user calendar views (Redis in production, memory in the embedded default), read first. */
  views: CalendarViews;
  /** Where a view found missing is asked to be copied (the projector copies it). */
  copies: ViewCopyRequests;
  /** The access stamps the command side and the projector move (Redis in production, memory embedded): answers are kept beside them. */
  accessStamps: AccessStamps;
  store: EventStore;
  tokens: TokenService;
  clock: () => Date;
  logger: Logger;
  consistencyTimeoutMs?: number;
}

/**
 * The query API as every composition root wires it: calendar reads, availability and free/busy through
 * the cached views, falling back to the read model for what they cannot answer.
 */
export function queryService(deps: QueryServiceDependencies): ReturnType<typeof queryApi> {
  const attendance = cachedAttendance({ readModel: deps.readModel, views: deps.views, copies: deps.copies, clock: deps.clock, logger: deps.logger });
  return queryApi({
    attendance,
    busy: attendance.busy,
    whoIsBusy: attendance.whoIsBusy,
    kept: keptAnswers({ access: deps.accessStamps, views: deps.views, clock: deps.clock }),
    roles: stampedRoles(deps.store, deps.accessStamps, { clock: deps.clock }),
    readModel: deps.readModel,
    store: deps.store,
    tokens: deps.tokens,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: deps.consistencyTimeoutMs }),
  });
}
