import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { withinReadTimeout } from '../calendarViews/redis/readTimeout';
import { viewKeyPrefix } from '../calendarViews/redis/viewKeys';
import { ACCESS_STAMP_TTL_MS, type AccessStamps } from './accessStamps';

export interface RedisAccessStampsOptions {
  /** The views' key prefix: a stamp sits beside its principal's view, in the same Cluster slot (`{id}`). Default `cal:`. */
  keyPrefix?: string;
  /** A read slower than this is given up (the reader builds its answer afresh). Default 250 ms. */
  readTimeoutMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

// Read once at module load, beside this file (see viewScripts.ts for why `__dirname` holds everywhere it runs).
const CURRENT_STAMPS = readFileSync(join(__dirname, 'currentStamps.lua'), 'utf8');
const scripted = new WeakSet<Redis>();

/** currentStamps.lua as a command of this standalone client (one EVALSHA for any number of principals). */
function currentStampsOf(redis: Redis): (keys: string[], fresh: string) => Promise<string[]> {
  if (!scripted.has(redis)) {
    redis.defineCommand('accessStampsCurrent', { lua: CURRENT_STAMPS });
    scripted.add(redis);
  }
  const command = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<string[]>>).accessStampsCurrent!;
  return (keys, fresh) => command.call(redis, keys.length, ...keys, fresh, ACCESS_STAMP_TTL_MS);
}

/**
 * Access stamps on Redis: standalone, one command for any number of principals (MGET, or currentStamps.lua);
 * Cluster, one per principal (they sit in different slots).
 */
export function redisAccessStamps(redis: Redis | Cluster, options: RedisAccessStampsOptions = {}): AccessStamps {
  const prefix = viewKeyPrefix(options.keyPrefix);
  const currentStamps = redis instanceof Cluster ? undefined : currentStampsOf(redis);
  const keyOf = (id: string) => `${prefix}{${id}}:a`;
  const readTimeoutMs = options.readTimeoutMs ?? 250;
  return {
    async touch(principalIDs) {
      if (principalIDs.length === 0) return;
      // 96 random bits: a stamp no key ever had, whatever expired before.
      const stamp = randomBytes(12).toString('base64url');
      await Promise.all([...new Set(principalIDs)].map((id) => redis.set(keyOf(id), stamp, 'PX', ACCESS_STAMP_TTL_MS)));
    },
    async current(principalIDs) {
      if (principalIDs.length === 0) return [];
      const fresh = randomBytes(12).toString('base64url');
      try {
        // SET … NX GET (Redis 7): the stamp there, else this fresh one; on a standalone server all in one script.
        const found = currentStamps
          ? await withinReadTimeout(currentStamps(principalIDs.map(keyOf), fresh), readTimeoutMs)
          : await withinReadTimeout(Promise.all(principalIDs.map((id) => redis.set(keyOf(id), fresh, 'PX', ACCESS_STAMP_TTL_MS, 'NX', 'GET'))), readTimeoutMs);
        return found.map((stamp) => stamp ?? fresh);
      } catch (err) {
        options.logger?.warn({ err }, 'access stamps unreadable; answers are built afresh');
        return undefined;
      }
    },
    async read(principalIDs) {
      if (principalIDs.length === 0) return [];
      const keys = principalIDs.map(keyOf);
      try {
        const found = redis instanceof Cluster
          ? await withinReadTimeout(Promise.all(keys.map((key) => redis.get(key))), readTimeoutMs)
          : await withinReadTimeout(redis.mget(keys), readTimeoutMs);
        return found.map((stamp) => stamp ?? null);
      } catch (err) {
        options.logger?.warn({ err }, 'access stamps unreadable; answers are built afresh');
        return undefined;
      }
    },
  };
}
