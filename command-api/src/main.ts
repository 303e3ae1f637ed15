import { jwtTokenService, sessionRevocations, withRevocations } from '@datebook/shared-kernel/http';
import { busyTime } from '@datebook/shared-kernel/ports';
import { calendarViewsRedisClient } from '@datebook/shared-kernel/ports/redis';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventStoreConfig, openEventStore, readConfig, runMain, serveService, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { commandApi } from './app';
import { redisDirectoryLookupLimit } from './users/directoryLookupLimit';
import { redisSignInThrottle } from './users/signInThrottle';

const CommandApiConfig = z.object({
  ...serviceConfig,
  ...eventStoreConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001).describe('HTTP port of the command API'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16).describe('PostgreSQL connections'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis holding the sign-in attempt and directory lookup counters every command-API process shares'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Behind the gateway: take the client address from X-Forwarded-For (per-client sign-in limits)'),
});

// Composition root of the write side: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(CommandApiConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'command-api', redact: ['req.headers.authorization', '*.password', '*.email', '*.token'] });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  const { store, close: closeStore } = await openEventStore(config, database);
  // Revoked sessions are refused; revocations made here apply here at once.
  // The one clock of this process: tokens, caches and commands all read time from it.
  const clock = () => new Date();
  const revocations = sessionRevocations(store, { clock });
  const tokens = withRevocations(jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS, clock), revocations);
  const redis = calendarViewsRedisClient(config.REDIS_URL, { logger });
  const commands = commandApi({
    store,
    tokens,
    revocations,
    throttle: redisSignInThrottle(redis),
    directoryLimit: redisDirectoryLookupLimit(redis),
    trustForwardedFor: config.TRUST_PROXY,
    onBackgroundError: (err) => logger.error({ err }, 'password-reset request failed'),
    clock,
    // Conflict warnings read the projected read model in the same database.
    busy: (userIDs, from, to) => busyTime(database, userIDs, from, to),
  });
  serveService(config, {
    name: 'command-api',
    logger,
    routers: [commands.router],
    routeDocs: commands.routeDocs,
    tokens,
    async ready() {
      await database.query('select 1');
    },
    async shutdown() {
      await redis.quit().catch(() => undefined);
      await closeStore();
      await database.close();
    },
  });
});
