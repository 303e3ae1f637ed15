import { commandApi } from '@datebook/command-api';
import { type MailTransport, notifierService } from '@datebook/notifier';
import { CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector, READ_MODEL_CONSUMER_GROUP, readModelProjector } from '@datebook/projector';
import { cachedAttendance, queryApi } from '@datebook/query-api';
import { serviceApp, type TokenService } from '@datebook/shared-kernel/http';
import { busyTime, inMemoryCalendarViews, postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase, storeTailingEventSource } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';

export interface SingleProcessSystemOptions {
  /** One database holds the event store and the read model (PGlite on disk by default). */
  database: SqlDatabase;
  tokens: TokenService;
  logger: Logger;
  /** Where the notifier sends e-mail: SMTP, or .eml files in the embedded default. */
  mailer: MailTransport;
  /** Sender of notification e-mails. */
  mailFrom?: string;
  clock?: () => Date;
  consistencyTimeoutMs?: number;
}

/**
 * All services in one process on one port: command API, query API, notifier and a projector that tail the
 * store in-process. The embedded default, and the shape the HTTP tests drive.
 */
export async function singleProcessSystem(options: SingleProcessSystemOptions) {
  const { database, tokens, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const store = await postgresEventStore(database);
  await database.exec(READ_MODEL_SCHEMA);
  const source = await storeTailingEventSource(store, database, {
    onError: (err, consumerGroup) => logger.error({ err, consumerGroup }, 'delivery failed; retrying'),
  });
  const commands = commandApi({ store, tokens, clock, busy: (userIDs, from, to) => busyTime(database, userIDs, from, to) });
  // The embedded default keeps the per-user views in memory; Redis takes their place in production.
  const views = inMemoryCalendarViews({ clock: () => clock().getTime() });
  const attendance = cachedAttendance({ readModel: database, views, clock, logger });
  const queries = queryApi({
    attendance,
    busy: attendance.busy,
    whoIsBusy: attendance.whoIsBusy,
    readModel: database,
    store,
    tokens,
    clock,
    logger,
    ...(options.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: options.consistencyTimeoutMs }),
  });
  const notifier = notifierService({
    store, database, source, mailer: options.mailer, tokens, clock, logger, ...(options.mailFrom ? { options: { mailFrom: options.mailFrom } } : {}),
  });
  const app = serviceApp({
    logger,
    // The notifier's and the reads' routes first: GET /events and PATCH /events/availability belong to the query side.
    routers: [notifier.router, queries.router, commands.router],
    jsonRoutes: queries.jsonRoutes,
    routeDocs: [...commands.routeDocs, ...queries.routeDocs, ...notifier.routeDocs],
    async ready() {
      await database.query('select 1');
      if (!projector.isHealthy()) throw new Error('the projector is not running');
      if (!notifier.isHealthy()) throw new Error('the notifier is not running');
    },
  });
  const projector = await source.subscribe(READ_MODEL_CONSUMER_GROUP, readModelProjector(database));
  const viewsProjection = await source.subscribe(CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector({ store, views }));
  await notifier.start();
  return {
    app,
    store,
    source,
    async stop() {
      await notifier.stop();
      await viewsProjection.stop();
      await projector.stop();
      await attendance.settled();
      await options.mailer.close();
    },
  };
}
