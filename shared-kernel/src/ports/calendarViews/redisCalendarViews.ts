import type { Cluster, Redis } from 'ioredis';
import type { CalendarViews, CalendarViewsLogger } from './calendarViews';
import { redisViewBusyReads } from './redis/busyReads';
import { keptBusyAnswers } from './redis/keptBusyAnswers';
import { redisViewChangeStamps } from './redis/changeStampReads';
import { redisViewRowReads } from './redis/rowReads';
import type { RedisViewContext } from './redis/viewContext';
import { viewKeyPrefix } from './redis/viewKeys';
import { redisViewMaintenance } from './redis/viewMaintenance';
import { calendarViewScripts } from './redis/viewScripts';
import { redisViewWrites } from './redis/viewWrites';

export interface RedisCalendarViewsOptions {
  /** Prepended to every key; must not contain `{` or `}` (the user id is the Cluster hash tag). Default `cal:`. */
  keyPrefix?: string;
  /** A read slower than this is abandoned and the caller falls back to the read model. Default 250 ms. */
  readTimeoutMs?: number;
  /**
   * A view nobody reads or writes for this long expires, all its keys at the same instant, so a
   * completeness mark never outlives the rows it vouches for. 0 keeps views forever. Default 30 days.
   */
  idleTtlMs?: number;
  logger?: CalendarViewsLogger;
  /** Epoch ms; places the busy time kept for series. Default Date.now. */
  clock?: () => number;
  /**
   * Busy intervals this process keeps from earlier reads, reused while their view's change stamp holds
   * (see keptBusyAnswers.ts); 24 bytes each, packed, and some 150 bytes per answer. 0 keeps none. Default 1,000,000.
   */
  keptBusyIntervals?: number;
}

/**
 * CalendarViews on Redis (standalone or Cluster) through ioredis. The parts, one concept each, are in
 * ./redis/: the key layout (viewKeys.ts), row and busy-time encodings, the Lua scripts and their
 * registration (viewScripts.ts), writes, row reads, busy reads, and maintenance (entries, clear).
 */
export function redisCalendarViews(redis: Redis | Cluster, options: RedisCalendarViewsOptions = {}): CalendarViews {
  const view: RedisViewContext = {
    redis,
    scripts: calendarViewScripts(redis),
    prefix: viewKeyPrefix(options.keyPrefix),
    ttl: String(options.idleTtlMs ?? 30 * 86_400_000),
    readTimeoutMs: options.readTimeoutMs ?? 250,
    clock: options.clock ?? Date.now,
    logger: options.logger,
  };
  return { ...redisViewWrites(view), ...redisViewRowReads(view), ...redisViewBusyReads(view, keptBusyAnswers(options.keptBusyIntervals ?? 1_000_000, view.clock)), ...redisViewMaintenance(view), ...redisViewChangeStamps(view) };
}
