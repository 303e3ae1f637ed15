import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
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

/** A node of `REDIS_CLUSTER_NODES`: `host:port`, or `redis://[user:password@]host:port` to log in. */
function clusterNode(entry: string): { host: string; port: number; username?: string; password?: string } {
  const url = new URL(/^rediss?:\/\//.test(entry) ? entry : `redis://${entry}`);
  const port = Number(url.port || 6379);
  if (!url.hostname || !Number.isInteger(port)) throw new Error(`invalid Redis Cluster node "${entry}": expected host:port`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''), port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}), ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/**
 * The same client on a Redis Cluster (`nodes`: some of its masters, `host:port`; the rest are found from
 * them). Every key of a user's view shares one hash tag (viewKeys.ts), and every other key the services
 * use is one key per command, so each command and script runs on one node; reads go to masters.
 */
export function calendarViewsRedisCluster(nodes: readonly string[], options: ClusterOptions & { logger?: CalendarViewsLogger } = {}): Cluster {
  const { logger, redisOptions, ...clusterOptions } = options;
  const startup = nodes.map(clusterNode);
  const credentials = startup.find((n) => n.password !== undefined);
  const cluster = new Cluster(startup.map(({ host, port }) => ({ host, port })), {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    scaleReads: 'master',
    clusterRetryStrategy: (attempts) => Math.min(100 * attempts, 2_000),
    ...clusterOptions,
    redisOptions: {
      maxRetriesPerRequest: 1, commandTimeout: 2_000,
      ...(credentials ? { username: credentials.username, password: credentials.password } : {}), ...redisOptions,
    },
  });
  cluster.on('error', (err: unknown) => logger?.warn({ err }, 'redis cluster error'));
  cluster.on('node error', (err: unknown, address: string) => logger?.warn({ err, address }, 'redis cluster node error'));
  return cluster;
}

/** The settings that choose between one Redis server (`REDIS_URL`) and a Cluster; spread into a process's config schema. */
export const redisClusterConfig = {
  REDIS_CLUSTER_NODES: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((node) => node.trim()).filter(Boolean))
    .describe('Comma-separated host:port of Redis Cluster masters (the scale-out profile); set, it is used instead of REDIS_URL'),
};

/** The views' client the configuration names: the Cluster when REDIS_CLUSTER_NODES lists any node, else REDIS_URL's server. */
export function calendarViewsRedisOf(config: { REDIS_URL: string; REDIS_CLUSTER_NODES?: readonly string[] }, options: { logger?: CalendarViewsLogger } = {}): Redis | Cluster {
  const nodes = config.REDIS_CLUSTER_NODES ?? [];
  return nodes.length > 0 ? calendarViewsRedisCluster(nodes, options) : calendarViewsRedisClient(config.REDIS_URL, options);
}
