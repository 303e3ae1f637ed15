import { applySchema, calendarViewCopier, consumeViewCopyRequests, parkedEvents, parkedEventsReadiness, READ_MODEL_SCHEMA, subscribeWithParking } from '@datebook/shared-kernel/ports';
import { calendarViewsRedisOf, redisClusterConfig, redisAccessStamps, redisCalendarViews, redisViewCopyRequests } from '@datebook/shared-kernel/ports/redis';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventSourceFor, eventStoreConfig, openEventStore, readConfig, runMain, serveService, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { READ_MODEL_CONSUMER_GROUP, readModelProjector } from './readModelProjector';
import { CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector } from './redisViewProjector';

const { JWT_SECRET: _unused, TOKEN_TTL_SECONDS: _ttl, ...shared } = serviceConfig;
const ProjectorConfig = z.object({
  ...shared,
  ...eventStoreConfig,
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis holding the per-user calendar views'),
  ...redisClusterConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003).describe('HTTP port for health and readiness'),
});

// Composition root of the projector: one member of the read-model consumer group; run several to share partitions.
runMain(async () => {
  const config = readConfig(ProjectorConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'projector' });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 4 });
  // The projector owns the read model: it creates the schema the query API waits for (its readiness) and writes it.
  await applySchema(database, 'read-model', READ_MODEL_SCHEMA);
  const { store, close: closeStore } = await openEventStore(config, database);
  // Both projections are version-guarded per stream, so batches of different partitions may run at once.
  const source = await eventSourceFor(config, store, database, logger, { partitionsInParallel: 4, gatherMs: 20 });
  // An event a projection can never handle is parked (table parked_events) so the rest goes on.
  const parking = { source, store, parked: parkedEvents(database), logger };
  // The views have their own consumer group, so Redis trouble never holds back the PostgreSQL read model
  // (the read model's projector moves access stamps there, but a failure to is only logged).
  const redis = calendarViewsRedisOf(config, { logger });
  const subscription = await subscribeWithParking(READ_MODEL_CONSUMER_GROUP, readModelProjector(database, { accessStamps: redisAccessStamps(redis, { logger }), logger }), parking);
  const calendarViews = redisCalendarViews(redis, { logger });
  const views = await subscribeWithParking(CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector({ store, views: calendarViews }), parking);
  // The views' one writer also copies the views the query API found missing and asked for.
  const copies = consumeViewCopyRequests(redisViewCopyRequests(redis), calendarViewCopier({ readModel: database, views: calendarViews, clock: () => new Date(), logger }), { logger });
  serveService(config, {
    name: 'projector',
    logger,
    routers: [],
    routeDocs: [],
    async ready() {
      await database.query('select 1');
      if (!subscription.isHealthy()) throw new Error('the read-model subscription is not healthy');
      return parkedEventsReadiness({ [READ_MODEL_CONSUMER_GROUP]: subscription.parkedCount(), [CALENDAR_VIEWS_CONSUMER_GROUP]: views.parkedCount() });
    },
    async shutdown() {
      await copies.stop();
      await views.stop();
      await subscription.stop();
      await redis.quit().catch(() => undefined);
      await closeStore();
      await database.close();
    },
  });
});
