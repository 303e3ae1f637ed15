import { join, resolve } from 'node:path';
import { jwtTokenService, sessionRevocations, withRevocations } from '@datebook/shared-kernel/http';
import { replyAddressesFromConfig } from '@datebook/shared-kernel';
import { parkedEventsReadiness } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventSourceFor, openEventStore, readConfig, runMain, serveService } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { NOTIFIER_CONSUMER_GROUP, notifierService } from './app';
import { NotifierConfig } from './config';
import { emlFileMailTransport } from './email/emlFileMailTransport';
import { smtpMailTransport } from './email/smtpMailTransport';

// The composition root of the standalone notifier (production profile): config → adapters → app → listen.
async function main(): Promise<void> {
  const config = readConfig(NotifierConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', '*.email', '*.to', '*.token', '*.password'] });
  const eventStoreDatabase = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 4 });
  const database = config.NOTIFIER_DATABASE_URL ? pgSqlDatabase({ connectionString: config.NOTIFIER_DATABASE_URL, max: 10 }) : eventStoreDatabase;
  // EVENT_STORE=kurrent reads the events from KurrentDB, as every other process does.
  const { store, close: closeStore } = await openEventStore(config, eventStoreDatabase);
  const source = await eventSourceFor(config, store, database, logger, { gatherMs: 20 });
  const mailer = config.SMTP_URL
    ? smtpMailTransport(config.SMTP_URL, { maxConnections: config.SMTP_MAX_CONNECTIONS })
    : emlFileMailTransport(join(resolve(config.DATA_DIR), 'mail'), logger);
  // The one clock of this process: tokens, caches, reminders and the ledger all read time from it.
  const clock = () => new Date();
  // Revoked sessions are refused within REVOCATION_CACHE_MS of their revocation.
  const tokens = withRevocations(jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS, clock), sessionRevocations(store, { clock }));
  const notifier = notifierService({
    store,
    database,
    source,
    mailer,
    tokens,
    clock,
    logger,
    options: {
      mailFrom: config.MAIL_FROM,
      publicUrl: config.PUBLIC_URL,
      vapidSubject: config.VAPID_SUBJECT,
      lateAfterMs: config.REMINDER_LATE_AFTER_SECONDS * 1000,
      syncRetentionMs: config.SYNC_RETENTION_HOURS * 3_600_000,
      pushAllowedHosts: config.PUSH_ALLOWED_HOSTS,
      syncStreamsPerUser: config.SYNC_STREAMS_PER_USER,
      syncMaxStreams: config.SYNC_MAX_STREAMS,
      mailPerSenderPerHour: config.MAIL_PER_SENDER_PER_HOUR,
      mailPerSenderPerDay: config.MAIL_PER_SENDER_PER_DAY,
      ...(config.INBOUND_MAIL_DOMAIN ? { replyAddresses: replyAddressesFromConfig(config) } : {}),
    },
  });
  await notifier.start();
  serveService(config, {
    name: 'notifier',
    logger,
    routers: [notifier.router],
    routeDocs: notifier.routeDocs,
    tokens,
    async ready() {
      await database.query('select 1');
      if (!notifier.isHealthy()) throw new Error('the notifier is not running');
      return parkedEventsReadiness({ [NOTIFIER_CONSUMER_GROUP]: notifier.parkedCount() });
    },
    async shutdown() {
      await notifier.stop();
      await mailer.close();
      await closeStore();
      if (database !== eventStoreDatabase) await database.close();
      await eventStoreDatabase.close();
    },
  });
}

runMain(main);
