import type { Cluster, Redis } from 'ioredis';
import type { ViewCopyRequests } from './viewCopyRequests';

/** The Redis list of users whose view the query API found missing (newest first), beside the views themselves. */
export const VIEW_COPY_REQUESTS_KEY = 'cal:copy-requests';

export interface RedisViewCopyRequests extends ViewCopyRequests {
  /** Up to `max` requested users, oldest first, each taken by one consumer only. */
  take(max: number): Promise<string[]>;
}

/**
 * Copy requests as a small Redis list between the query API (which pushes) and the projector (which
 * pops). Bounded: past `maxQueued` the oldest requests are dropped, and a later miss asks again. One key,
 * so on a Cluster the push and its trim run on one node; RPOP hands each request to one projector only.
 */
export function redisViewCopyRequests(redis: Redis | Cluster, options: { key?: string; maxQueued?: number } = {}): RedisViewCopyRequests {
  const key = options.key ?? VIEW_COPY_REQUESTS_KEY;
  const maxQueued = options.maxQueued ?? 10_000;
  return {
    async request(userID) {
      await redis.multi().lpush(key, userID).ltrim(key, 0, maxQueued - 1).exec();
    },
    async take(max) {
      if (max <= 0) return [];
      return (await redis.rpop(key, max)) ?? [];
    },
  };
}
