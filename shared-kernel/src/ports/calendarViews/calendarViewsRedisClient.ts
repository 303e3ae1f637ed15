import { Redis, type RedisOptions } from 'ioredis';
import type { CalendarViewsLogger } from './calendarViews';

/**
 * A client suited to the views: commands fail at once while Redis is unreachable instead of queueing,
 * so reads fall back to the read model and the projector's batch is redelivered, and it keeps reconnecting.
 */
export function calendarViewsRedisClient(url: string, options: RedisOptions & { logger?: CalendarViewsLogger } = {}): Redis {
  const { logger, ...redisOptions } = options;
  // Auto-pipelining: the commands of concurrent requests issued in one tick go out in one write (one syscall, not one each).
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, enableAutoPipelining: true, ...redisOptions });
  // Without a listener ioredis prints every connection error itself.
  redis.on('error', (err: unknown) => logger?.warn({ err }, 'redis connection error'));
  return redis;
}
