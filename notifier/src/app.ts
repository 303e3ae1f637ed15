import { parseStreamName, type RecordedEvent, type ReplyAddresses } from '@datebook/shared-kernel';
import { requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import { type EventSource, type EventStore, type ParkingSubscription, applySchema, parkedEvents, type SqlDatabase, subscribeWithParking } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import type { Logger } from 'pino';
import { backgroundLoop } from './background/loop';
import { calendarEventReactor } from './calendarEvents/calendarEventReactor';
import { calendarShareReactor } from './calendars/calendarShareReactor';
import { deviceRouteDocs, deviceRoutes } from './devices/devices.routes';
import type { PushTransport } from './devices/pushTransport';
import { loadOrCreateVapidKeys } from './devices/vapidKeys';
import { webPushTransport } from './devices/webPushTransport';
import type { MailTransport } from './email/mailTransport';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './ledger/backoff';
import { notificationRouteDocs, notificationRoutes } from './ledger/notifications.routes';
import { outboxSender } from './ledger/outboxSender';
import { NOTIFIER_SCHEMA } from './notifierSchema';
import { reminderTimer } from './reminders/reminderTimer';
import { seriesReplanner } from './reminders/seriesReplanner';
import { calendarGrantIndex } from './sync/calendarGrants';
import { pruneChanges } from './sync/changeFeed';
import { syncRouteDocs, syncRoutes } from './sync/sync.routes';
import { SYNC_SCHEMA } from './sync/syncSchema';
import { userReactor } from './users/userReactor';
import { userDirectory } from './users/userDirectory';

/** A delivery cut where the category of stream changes: each run is handled by one reactor, in order. */
function runsOf(batch: readonly RecordedEvent[]): { category: string; events: RecordedEvent[] }[] {
  const runs: { category: string; events: RecordedEvent[] }[] = [];
  for (const recorded of batch) {
    const { category } = parseStreamName(recorded.streamName);
    const last = runs.at(-1);
    if (last?.category === category) last.events.push(recorded);
    else runs.push({ category, events: [recorded] });
  }
  return runs;
}

/** The consumer group under which the notifier reads the log. */
export const NOTIFIER_CONSUMER_GROUP = 'notifier';

export interface NotifierOptions {
  /** From of every e-mail. */
  mailFrom: string;
  /** RFC 8292 §2.1: a contact for push services (mailto: or https:). */
  vapidSubject: string;
  /** Poll interval of the reminder timer; a due reminder is recorded at most this late under normal load. */
  reminderTickMs: number;
  reminderBatchSize: number;
  /** A reminder sent more than this after its time is marked late. */
  lateAfterMs: number;
  senderPollMs: number;
  senderBatchSize: number;
  senderConcurrency: number;
  /** A sender that dies loses its claims after this; then another sends them. */
  leaseMs: number;
  retry: RetryPolicy;
  /** Messages about changes older than this are recorded as skipped (a replay must not re-invite everyone). */
  staleAfterMs: number;
  /** How long the sync history is kept; older tokens answer 410. */
  syncRetentionMs: number;
  syncPollMs: number;
  syncHeartbeatMs: number;
  /** How long `stop()` waits for sends in flight before it returns anyway. */
  shutdownGraceMs: number;
  /** How often series get timers for occurrences that came into the planning horizon. */
  seriesReplanIntervalMs: number;
  /** Push endpoint hosts exempt from the public-address check (`host` or `host:port`); http allowed there. Empty by default. */
  pushAllowedHosts: string[];
  /** Open `/sync/stream` connections per user; one more answers 429. */
  syncStreamsPerUser: number;
  /** Open `/sync/stream` connections per process; one more answers 503. */
  syncMaxStreams: number;
  /** E-mails one person's actions may cause per sliding hour / day; more are recorded as skipped (SENDER_RATE_LIMITED). */
  mailPerSenderPerHour: number;
  mailPerSenderPerDay: number;
  /** Where users reach Datebook: the base of the links in verification and password-reset e-mails. */
  publicUrl: string;
  /** Inbound mail (iMIP): invitations name each guest's reply address as ORGANIZER and Reply-To; unset: the host's own. */
  replyAddresses?: ReplyAddresses;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = {
  mailFrom: 'Datebook <calendar@datebook.invalid>',
  vapidSubject: 'mailto:calendar@datebook.invalid',
  reminderTickMs: 250,
  reminderBatchSize: 500,
  lateAfterMs: 60_000,
  senderPollMs: 250,
  senderBatchSize: 200,
  senderConcurrency: 10,
  leaseMs: 60_000,
  retry: DEFAULT_RETRY_POLICY,
  staleAfterMs: 7 * 24 * 3_600_000,
  syncRetentionMs: 7 * 24 * 3_600_000,
  syncPollMs: 1_000,
  syncHeartbeatMs: 15_000,
  shutdownGraceMs: 10_000,
  seriesReplanIntervalMs: 6 * 3_600_000,
  pushAllowedHosts: [],
  syncStreamsPerUser: 5,
  syncMaxStreams: 2_000,
  mailPerSenderPerHour: 100,
  mailPerSenderPerDay: 500,
  publicUrl: 'http://127.0.0.1:3000',
};

export interface NotifierDependencies {
  store: EventStore;
  /** Holds the notifier's own tables (see NOTIFIER_SCHEMA); may be the event store's database. */
  database: SqlDatabase;
  source: EventSource;
  mailer: MailTransport;
  /** Defaults to Web Push with the VAPID keys kept in `database` (made on first start). */
  push?: PushTransport;
  tokens: TokenService;
  /** The process's clock (its composition root passes the system clock). */
  clock: () => Date;
  logger: Logger;
  options?: Partial<NotifierOptions>;
}

export interface NotifierService {
  router: Router;
  routeDocs: RouteDoc[];
  /** Creates the tables, loads the VAPID keys, subscribes the consumer group and starts the timer and the sender. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isHealthy(): boolean;
  /** Events the notifier parked because it could not handle them: degraded, not down. */
  parkedCount(): number;
}

/** The notifier: builds its routes and background work from its dependencies; never listens. */
export function notifierService(deps: NotifierDependencies): NotifierService {
  const options = { ...DEFAULT_NOTIFIER_OPTIONS, ...deps.options };
  const { clock } = deps;
  const logger = deps.logger.child({ service: 'notifier' });
  const db = deps.database;
  const directory = userDirectory(db, deps.store);
  let push: PushTransport | undefined = deps.push;

  const pushPolicy = { allowedHosts: options.pushAllowedHosts };
  const sync = syncRoutes({ db, store: deps.store, clock, logger, pollMs: options.syncPollMs, heartbeatMs: options.syncHeartbeatMs, streamsPerUser: options.syncStreamsPerUser, maxStreams: options.syncMaxStreams });
  const router = Router();
  const auth = requireUser(deps.tokens);
  router.use(['/devices', '/sync'], auth);
  router.use('/events/:eventID/notifications', auth);
  router.use(
    deviceRoutes({
      db,
      clock,
      pushPolicy,
      applicationServerKey() {
        if (!push) throw new Error('the notifier has not started');
        return push.applicationServerKey;
      },
    }),
  );
  router.use(sync.router);
  router.use(notificationRoutes({ db, store: deps.store }));

  const sender = outboxSender({
    db,
    mail: deps.mailer,
    push: {
      get applicationServerKey() {
        return push?.applicationServerKey ?? '';
      },
      send(subscription, payload, pushOptions) {
        if (!push) throw new Error('the notifier has not started');
        return push.send(subscription, payload, pushOptions);
      },
    },
    clock,
    logger,
    mailFrom: options.mailFrom,
    retry: options.retry,
    leaseMs: options.leaseMs,
    batchSize: options.senderBatchSize,
    concurrency: options.senderConcurrency,
    pollMs: options.senderPollMs,
  });
  const timer = reminderTimer({ db, directory, clock, logger, tickMs: options.reminderTickMs, lateAfterMs: options.lateAfterMs, batchSize: options.reminderBatchSize, onRecorded: () => sender.wake() });
  const maintenance = backgroundLoop({
    async tick() {
      const pruned = await pruneChanges(db, new Date(clock().getTime() - options.syncRetentionMs));
      if (pruned > 0) logger.info({ pruned }, 'old sync history dropped');
      return false;
    },
    idleMs: Math.min(3_600_000, options.syncRetentionMs),
    errorMs: 60_000,
    onError: (err) => logger.warn({ err }, 'sync history pruning failed'),
  });

  const replanner = seriesReplanner({ db, directory, clock, logger, intervalMs: options.seriesReplanIntervalMs });

  const onCalendarEvents = calendarEventReactor({
    db, store: deps.store, directory, clock, logger, staleAfterMs: options.staleAfterMs,
    mailPerSender: { perHour: options.mailPerSenderPerHour, perDay: options.mailPerSenderPerDay },
    ...(options.replyAddresses ? { replyAddresses: options.replyAddresses } : {}),
  });
  const onUserEvents = userReactor({ db, store: deps.store, logger, tokens: deps.tokens, clock, publicUrl: options.publicUrl, staleAfterMs: options.staleAfterMs });
  const onCalendar = calendarShareReactor({
    db, store: deps.store, directory, clock, logger, publicUrl: options.publicUrl, staleAfterMs: options.staleAfterMs,
    mailPerSender: { perHour: options.mailPerSenderPerHour, perDay: options.mailPerSenderPerDay },
  });
  const onCalendarGrants = calendarGrantIndex({ db, store: deps.store });
  async function handle(batch: RecordedEvent[]): Promise<void> {
    let notifications = 0;
    let changes = 0;
    // Consecutive events of one category of stream are handled together (one read of their streams, one
    // transaction); runs keep the delivery's order.
    for (const { category, events } of runsOf(batch)) {
      if (category === 'CalendarEvent') {
        const committed = await onCalendarEvents(events, batch);
        notifications += committed.notifications;
        changes += committed.changes;
      } else if (category === 'User') {
        notifications += await onUserEvents(events);
      } else if (category === 'Calendar') {
        notifications += await onCalendar(events);
        // Whose sync follows the calendars: open streams they may concern settle their calendars now.
        for (const touched of await onCalendarGrants(events)) sync.hub.calendarsChanged(touched);
      }
    }
    if (notifications > 0) sender.wake();
    if (changes > 0) sync.hub.notify();
  }

  let subscription: ParkingSubscription | undefined;
  let started = false;
  return {
    router,
    routeDocs: [...deviceRouteDocs, ...syncRouteDocs, ...notificationRouteDocs],
    async start() {
      if (started) return;
      await applySchema(db, 'notifier', NOTIFIER_SCHEMA);
      await applySchema(db, 'notifier-sync', SYNC_SCHEMA);
      if (!push) push = webPushTransport({ ...(await loadOrCreateVapidKeys(db)), subject: options.vapidSubject }, { policy: pushPolicy });
      subscription = await subscribeWithParking(NOTIFIER_CONSUMER_GROUP, handle, { source: deps.source, store: deps.store, parked: parkedEvents(db), logger });
      timer.start();
      sender.start();
      maintenance.start();
      replanner.start();
      started = true;
      logger.info({ consumerGroup: NOTIFIER_CONSUMER_GROUP }, 'notifier started');
    },
    async stop() {
      if (!started) return;
      started = false;
      await sync.hub.closeAll();
      await subscription?.stop();
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, options.shutdownGraceMs);
      });
      await Promise.race([Promise.all([timer.stop(), sender.stop(), maintenance.stop(), replanner.stop()]), grace]);
      clearTimeout(graceTimer);
    },
    isHealthy: () => started && (subscription?.isHealthy() ?? false) && timer.isHealthy() && sender.isHealthy(),
    parkedCount: () => subscription?.parkedCount() ?? 0,
  };
}
