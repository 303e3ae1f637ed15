import { jwtTokenService, serviceApp, sessionRevocations, withRevocations } from '@datebook/shared-kernel/http';
import { calendarViewsRedisClient, pgSqlDatabase, READ_MODEL_SCHEMA, redisCalendarViews } from '@datebook/shared-kernel/ports';
import { eventStoreConfig, openEventStore, readConfig, runMain, serve, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { cachedAttendance, queryApi } from './app';

const QueryApiConfig = z.object({
  ...serviceConfig,
  ...eventStoreConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002).describe('HTTP port of the query API'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16).describe('PostgreSQL connections'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis holding the per-user calendar views (read first; PostgreSQL when it misses or is down)'),
  CONSISTENCY_TIMEOUT_MS: z.coerce.number().int().min(0).max(30000).default(2000).describe('How long a read with X-Consistency-Token waits for the views'),
});

// Composition root of the read side: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(QueryApiConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'query-api', redact: ['req.headers.authorization'] });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  await database.exec(READ_MODEL_SCHEMA);
  // Audit history is read from the event store itself.
  const { store, close: closeStore } = await openEventStore(config, database);
  const redis = calendarViewsRedisClient(config.REDIS_URL, { logger });
  const attendance = cachedAttendance({ readModel: database, views: redisCalendarViews(redis, { logger }), clock: () => new Date(), logger });
  // Revoked sessions are refused within REVOCATION_CACHE_MS of their revocation (read from the event store, cached per user).
  const tokens = withRevocations(jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS), sessionRevocations(store));
  const queries = queryApi({
    attendance,
    busy: attendance.busy,
    whoIsBusy: attendance.whoIsBusy,
    readModel: database,
    store,
    tokens,
    clock: () => new Date(),
    logger,
    consistencyTimeoutMs: config.CONSISTENCY_TIMEOUT_MS,
  });
  const app = serviceApp({
    logger,
    routers: [queries.router],
    jsonRoutes: queries.jsonRoutes,
    routeDocs: queries.routeDocs,
    tokens,
    opsToken: config.OPS_TOKEN,
    corsOrigins: config.CORS_ORIGINS,
    async ready() {
      await database.query('select 1 from rm_events limit 1');
    },
  });
  serve(app, {
    port: config.PORT, host: config.HOST, logger, name: 'query-api',
    async shutdown() {
      await attendance.settled();
      await redis.quit().catch(() => undefined);
      await closeStore();
      await database.close();
    },
  });
});
