import type { Cluster, Redis } from 'ioredis';
import type { CalendarViewsLogger } from '../calendarViews';
import type { CalendarViewScripts } from './viewScripts';

/** What every part of the Redis views shares: the client, its scripts and the options resolved once. */
export interface RedisViewContext {
  redis: Redis | Cluster;
  scripts: CalendarViewScripts;
  /** Checked by `viewKeyPrefix`. */
  prefix: string;
  /** The idle expiry in ms, as the scripts take it ('0' keeps views forever). */
  ttl: string;
  readTimeoutMs: number;
  /** Epoch ms. */
  clock: () => number;
  logger?: CalendarViewsLogger;
}
