import { appPasswordVerifier, jwtTokenService, memoryCredentialThrottle, sessionRevocations, withAppPasswords, withRevocations } from '@datebook/shared-kernel/http';
import { calendarViewsRedisOf, redisClusterConfig, redisAccessStamps, redisCalendarViews, redisViewCopyRequests } from '@datebook/shared-kernel/ports/redis';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventStoreConfig, openEventStore, readConfig, runMain, serveService, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { queryService } from './queryService';

const QueryApiConfig = z.object({
  ...serviceConfig,
  ...eventStoreConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002).describe('HTTP port of the query API'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16).describe('PostgreSQL connections'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis holding the per-user calendar views (read first; PostgreSQL when it misses or is down)'),
  ...redisClusterConfig,
  CONSISTENCY_TIMEOUT_MS: z.coerce.number().int().min(0).max(30000).default(2000).describe('How long a read with X-Consistency-Token waits for the views'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Behind the gateway: take the client address from X-Forwarded-For (per-client limits of app-password sign-ins)'),
});

// Composition root of the read side: config → adapters → app → listen. It only reads: the projector
// creates and writes the read model (this process is not ready until its tables exist) and the views.
runMain(async () => {
  const config = readConfig(QueryApiConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'query-api', redact: ['req.headers.authorization'] });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  // Audit history is read from the event store itself.
  const { store, close: closeStore } = await openEventStore(config, database);
  const redis = calendarViewsRedisOf(config, { logger });
  // The one clock of this process: tokens, caches and reads all read time from it.
  const clock = () => new Date();
  // Revoked sessions are refused within REVOCATION_CACHE_MS of their revocation (read from the event store, cached per user).
  const tokens = withAppPasswords(
    withRevocations(jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS, clock), sessionRevocations(store, { clock })),
    // Calendar apps sign in with app passwords over HTTP Basic (revocations apply within APP_PASSWORD_CACHE_MS). The
    // guessing limits are this process's own: command-api's shared counters live behind its own package.
    appPasswordVerifier(store, { clock, throttle: memoryCredentialThrottle(clock), trustForwardedFor: config.TRUST_PROXY }),
  );
  const queries = queryService({
    readModel: database,
    views: redisCalendarViews(redis, { logger }),
    // A view found missing is asked of the projector, which copies it: the views have one writer.
    copies: redisViewCopyRequests(redis),
    // Moved by the command API and the projector; calendar answers are kept beside them.
    accessStamps: redisAccessStamps(redis, { logger }),
    store,
    tokens,
    clock,
    logger,
    consistencyTimeoutMs: config.CONSISTENCY_TIMEOUT_MS,
  });
  serveService(config, {
    name: 'query-api',
    logger,
    routers: [queries.router],
    jsonRoutes: queries.jsonRoutes,
    routeDocs: queries.routeDocs,
    tokens,
    async ready() {
      await database.query('select 1 from rm_events limit 1');
    },
    async shutdown() {
      await redis.quit().catch(() => undefined);
      await closeStore();
      await database.close();
    },
  });
});
