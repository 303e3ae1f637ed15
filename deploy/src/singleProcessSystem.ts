import { commandApi, type InboundMailSettings, inboundMailService, memorySignInThrottle, type SubscriptionSettings } from '@datebook/command-api';
import { type MailTransport, notifierService } from '@datebook/notifier';
import { CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector, READ_MODEL_CONSUMER_GROUP, readModelProjector } from '@datebook/projector';
import { queryService } from '@datebook/query-api';
import { appPasswordVerifier, serviceApp, sessionRevocations, type TokenService, withAppPasswords, withRevocations } from '@datebook/shared-kernel/http';
import { applySchema, busyTime, calendarViewCopier, inMemoryAccessStamps, inMemoryCalendarViews, parkedEvents, parkedEventsReadiness, postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase, stampingEventStore, storeTailingEventSource, subscribeWithParking } from '@datebook/shared-kernel/ports';
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
  /** Where users reach the system: the base of the links in verification and password-reset e-mails. */
  publicUrl?: string;
  /** The process's clock, the one `tokens` reads too (the system clock, from the composition root). */
  clock: () => Date;
  consistencyTimeoutMs?: number;
  /** How often consumers look for re-drive requests of parked events. */
  redriveIntervalMs?: number;
  /** The operators' token (OPS_TOKEN): readiness reasons and details only for it. */
  opsToken?: string;
  /** Origins whose pages may call the API (CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  /** Answers by mail (iMIP): invitations name reply addresses, and a listener on its own port records the answers. */
  inboundMail?: InboundMailSettings;
  /** Subscriptions to calendars by URL: which private hosts they may fetch from, and their poller's schedule (logged to `logger`). */
  subscriptions?: Omit<SubscriptionSettings, 'logger'>;
}

/**
 * All services in one process on one port: command API, query API, notifier and a projector that tail the
 * store in-process. The embedded default, and the shape the HTTP tests drive.
 */
export async function singleProcessSystem(options: SingleProcessSystemOptions) {
  const { database, logger } = options;
  const { clock } = options;
  // One process: the command side moves the access stamps the query side keeps its answers beside.
  const accessStamps = inMemoryAccessStamps();
  const store = stampingEventStore(await postgresEventStore(database), accessStamps, logger);
  await applySchema(database, 'read-model', READ_MODEL_SCHEMA);
  const source = await storeTailingEventSource(store, database, {
    onError: (err, consumerGroup) => logger.error({ err, consumerGroup }, 'delivery failed; retrying'),
  });
  // One revocation cache for every part of the process: a revocation applies everywhere at once.
  const revocations = sessionRevocations(store, { clock });
  // One limit on password guessing for sign-in and app passwords (HTTP Basic, for calendar apps) alike.
  const throttle = memorySignInThrottle();
  const tokens = withAppPasswords(withRevocations(options.tokens, revocations), appPasswordVerifier(store, { clock, throttle }));
  const commands = commandApi({ store, tokens, revocations, throttle, clock, logger, readModel: database, busy: (userIDs, from, to) => busyTime(database, userIDs, from, to), ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.subscriptions ? { subscriptions: { ...options.subscriptions, logger } } : {}) });
  // The embedded default keeps the per-user views in memory; Redis takes their place in production.
  const views = inMemoryCalendarViews({ clock: () => clock().getTime() });
  // The projector's side writes the views, copies of missed ones included; the query side only asks for them.
  const viewCopier = calendarViewCopier({ readModel: database, views, clock, logger });
  const queries = queryService({
    readModel: database,
    views,
    copies: viewCopier,
    accessStamps,
    store,
    tokens,
    clock,
    logger,
    ...(options.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: options.consistencyTimeoutMs }),
  });
  const notifier = notifierService({
    store, database, source, mailer: options.mailer, tokens, clock, logger,
    options: {
      ...(options.mailFrom ? { mailFrom: options.mailFrom } : {}), ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      ...(options.inboundMail ? { replyAddresses: options.inboundMail.replyAddresses } : {}),
    },
  });
  const app = serviceApp({
    logger,
    // The notifier's and the reads' routes first: GET /events and PATCH /events/availability belong to the query side.
    routers: [notifier.router, queries.router, commands.router],
    jsonRoutes: (req, res) => queries.jsonRoutes(req, res) || commands.jsonRoutes(req, res),
    routeDocs: [...commands.routeDocs, ...queries.routeDocs, ...notifier.routeDocs],
    tokens,
    ...(options.opsToken ? { opsToken: options.opsToken } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    async ready() {
      await database.query('select 1');
      if (!projector.isHealthy()) throw new Error('the projector is not running');
      if (!notifier.isHealthy()) throw new Error('the notifier is not running');
      return parkedEventsReadiness(parkedCounts());
    },
  });
  // An event a projection can never handle is parked (table parked_events) so the rest goes on.
  const parking = { source, store, parked: parkedEvents(database), logger, ...(options.redriveIntervalMs === undefined ? {} : { redriveIntervalMs: options.redriveIntervalMs }) };
  const projector = await subscribeWithParking(READ_MODEL_CONSUMER_GROUP, readModelProjector(database, { accessStamps, logger }), parking);
  const viewsProjection = await subscribeWithParking(CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector({ store, views }), parking);
  await notifier.start();
  const inboundMail = options.inboundMail && inboundMailService(options.inboundMail, { store, clock, logger });
  /** The inbound mail listener's port (the one the system chose, given 0); undefined without inbound mail. */
  const inboundMailPort = await inboundMail?.start();
  // Subscribed calendars are fetched on their schedule from here on.
  commands.subscriptionPoller?.start();
  /** Events parked per consumer group (each could not be handled; the rest went on). */
  function parkedCounts(): Record<string, number> {
    return { [READ_MODEL_CONSUMER_GROUP]: projector.parkedCount(), [CALENDAR_VIEWS_CONSUMER_GROUP]: viewsProjection.parkedCount(), notifier: notifier.parkedCount() };
  }
  return {
    app,
    store,
    source,
    parkedCounts,
    inboundMailPort,
    async stop() {
      await commands.subscriptionPoller?.stop();
      await inboundMail?.stop();
      await notifier.stop();
      await viewsProjection.stop();
      await projector.stop();
      await viewCopier.settled();
      await options.mailer.close();
    },
  };
}
