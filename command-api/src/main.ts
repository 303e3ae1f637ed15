import { appPasswordVerifier, jwtTokenService, sessionRevocations, withAppPasswords, withRevocations } from '@datebook/shared-kernel/http';
import { busyTime, stampingEventStore } from '@datebook/shared-kernel/ports';
import { calendarViewsRedisOf, redisClusterConfig, redisAccessStamps } from '@datebook/shared-kernel/ports/redis';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventStoreConfig, openEventStore, readConfig, runMain, serveService, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { commandApi } from './app';
import { inboundMailConfig, inboundMailService, inboundMailSettings } from './inboundMail';
import { subscriptionConfig, subscriptionSettingsOf } from './subscriptions';
import { redisDirectoryLookupLimit } from './users/directoryLookupLimit';
import { redisSignInThrottle } from './users/signInThrottle';

const CommandApiConfig = z.object({
  ...serviceConfig,
  ...eventStoreConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001).describe('HTTP port of the command API'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16).describe('PostgreSQL connections'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis holding the sign-in attempt and directory lookup counters every command-API process shares'),
  ...redisClusterConfig,
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Behind the gateway: take the client address from X-Forwarded-For (per-client sign-in limits)'),
  ...inboundMailConfig,
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000').describe('Where users reach Datebook (the gateway): the base of secret calendar addresses (feeds)'),
  ...subscriptionConfig,
});

// Composition root of the write side: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(CommandApiConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'command-api', redact: ['req.headers.authorization', '*.password', '*.email', '*.token'] });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  const opened = await openEventStore(config, database);
  const redis = calendarViewsRedisOf(config, { logger });
  // Every append to a Calendar or User stream moves its access stamp before the request is answered (readers keep answers beside them).
  const store = stampingEventStore(opened.store, redisAccessStamps(redis, { logger }), logger);
  const closeStore = opened.close;
  // Revoked sessions are refused; revocations made here apply here at once.
  // The one clock of this process: tokens, caches and commands all read time from it.
  const clock = () => new Date();
  const revocations = sessionRevocations(store, { clock });
  // Sign-in and app passwords over HTTP Basic share the limits every command-API process keeps in Redis.
  const throttle = redisSignInThrottle(redis);
  const tokens = withAppPasswords(
    withRevocations(jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS, clock), revocations),
    appPasswordVerifier(store, { clock, throttle, trustForwardedFor: config.TRUST_PROXY }),
  );
  const commands = commandApi({
    store,
    tokens,
    revocations,
    throttle,
    directoryLimit: redisDirectoryLookupLimit(redis),
    trustForwardedFor: config.TRUST_PROXY,
    onBackgroundError: (err) => logger.error({ err }, 'password-reset request failed'),
    clock,
    logger,
    readModel: database,
    publicUrl: config.PUBLIC_URL,
    // Subscribed calendars are fetched by every command-API process on its own schedule (a source answers 304 when unchanged).
    subscriptions: { ...subscriptionSettingsOf(config), logger },
    // Conflict warnings read the projected read model in the same database.
    busy: (userIDs, from, to) => busyTime(database, userIDs, from, to),
  });
  // Answers by mail (iMIP), when a reply domain is set: its own port, the same store and commands.
  const settings = inboundMailSettings(config);
  const inboundMail = settings && inboundMailService(settings, { store, clock, logger });
  await inboundMail?.start();
  commands.subscriptionPoller?.start();
  serveService(config, {
    name: 'command-api',
    logger,
    routers: [commands.router],
    jsonRoutes: commands.jsonRoutes,
    routeDocs: commands.routeDocs,
    tokens,
    async ready() {
      await database.query('select 1');
    },
    async shutdown() {
      await commands.subscriptionPoller?.stop();
      await inboundMail?.stop();
      await redis.quit().catch(() => undefined);
      await closeStore();
      await database.close();
    },
  });
});
