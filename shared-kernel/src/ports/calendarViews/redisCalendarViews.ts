import { createHash } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { AttendanceRow } from '../readModel/attendanceRows';
import { type CalendarViewChange, type CalendarViewEntry, type CalendarViews, type CalendarViewsLogger, SHORT_SPAN_MS, viewSpan } from './calendarViews';

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
}

/**
 * Per user (all keys share the hash tag `{userID}`, so one Lua script may touch them on a Cluster):
 * - `<prefix>{u}:v` hash event id → last version applied (kept after a removal: the tombstone);
 * - `<prefix>{u}:r` hash event id → the row's JSON and span end;
 * - `<prefix>{u}:s` sorted set of event ids scored by span start, rows spanning at most SHORT_SPAN_MS;
 * - `<prefix>{u}:l` the same for longer rows (series, multi-day events), read from -inf: a sorted set
 *   by start alone cannot bound an endless series, and keeping them apart keeps the short range tight;
 * - `<prefix>{u}:c` the instant the view is complete from.
 * Members are event ids rather than row JSON so a change rewrites the row in place and each row is
 * stored once.
 */
const keysOf = (prefix: string, userID: string) => ['v', 'r', 's', 'l', 'c'].map((k) => `${prefix}{${userID}}:${k}`);

const TOUCH = `
local ttl = tonumber(ARGV[1])
if ttl > 0 then for k = 1, 5 do redis.call('PEXPIRE', KEYS[k], ttl) end end
`;

// ARGV: ttl, completeFrom ('' for none), then per row: event id, version, index ('s', 'l', or '' to remove), score, JSON.
const APPLY = `
for i = 3, #ARGV, 5 do
  local id = ARGV[i]
  local version = tonumber(ARGV[i + 1])
  if version > tonumber(redis.call('HGET', KEYS[1], id) or '-1') then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    local index = ARGV[i + 2]
    if index == '' then
      redis.call('HDEL', KEYS[2], id)
    else
      redis.call('HSET', KEYS[2], id, ARGV[i + 4])
      redis.call('ZADD', index == 'l' and KEYS[4] or KEYS[3], ARGV[i + 3], id)
    end
  end
end
if ARGV[2] ~= '' then
  local since = redis.call('GET', KEYS[5])
  if not since or tonumber(ARGV[2]) < tonumber(since) then redis.call('SET', KEYS[5], ARGV[2]) end
end
${TOUCH}
return 1
`;

// ARGV: ttl, from, short lower bound, to bound. Nil when the view is not complete for the window.
const READ = `
local since = redis.call('GET', KEYS[5])
if not since or tonumber(ARGV[2]) < tonumber(since) then return false end
${TOUCH}
local ids = redis.call('ZRANGE', KEYS[3], ARGV[3], ARGV[4], 'BYSCORE')
for _, id in ipairs(redis.call('ZRANGE', KEYS[4], '-inf', ARGV[4], 'BYSCORE')) do ids[#ids + 1] = id end
local rows = {}
for i = 1, #ids, 1000 do
  local got = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 999, #ids)))
  for j = 1, #got do rows[#rows + 1] = got[j] end
end
return rows
`;

const ENTRIES = `return { redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[1]) }`;

/** What a row's hash field holds: the row without its user id, plus the span end (null when endless). */
interface StoredRow {
  e: number | null;
  s: AttendanceRow['rsvpStatus'];
  o: AttendanceRow['occurrenceResponses'];
  ev: AttendanceRow['event'];
}

const encode = (row: AttendanceRow, end: number) =>
  JSON.stringify({ e: Number.isFinite(end) ? end : null, s: row.rsvpStatus, o: row.occurrenceResponses, ev: row.event } satisfies StoredRow);
const decode = (userID: string, json: string): { row: AttendanceRow; end: number } => {
  const stored = JSON.parse(json) as StoredRow;
  return { row: { userID, event: stored.ev, rsvpStatus: stored.s, occurrenceResponses: stored.o }, end: stored.e ?? Infinity };
};

function rowArgs(eventID: string, version: number, row: AttendanceRow | null): string[] {
  if (!row) return [eventID, String(version), '', '0', ''];
  const { start, end } = viewSpan(row);
  if (!Number.isFinite(start)) return [eventID, String(version), 'l', '-inf', encode(row, end)];
  return [eventID, String(version), end - start <= SHORT_SPAN_MS ? 's' : 'l', String(start), encode(row, end)];
}

const BACKFILL_CHUNK = 200;

function timeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    work.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); reject(err); },
    );
  });
}

/** CalendarViews on Redis (standalone or Cluster) through ioredis. */
export function redisCalendarViews(redis: Redis | Cluster, options: RedisCalendarViewsOptions = {}): CalendarViews {
  const prefix = options.keyPrefix ?? 'cal:';
  if (/[{}]/.test(prefix)) throw new Error('the key prefix of calendar views must not contain braces');
  const readTimeoutMs = options.readTimeoutMs ?? 250;
  const ttl = String(options.idleTtlMs ?? 30 * 86_400_000);
  const sha = (lua: string) => createHash('sha1').update(lua).digest('hex');
  const scripts = new Map([APPLY, READ, ENTRIES].map((lua) => [lua, sha(lua)]));

  async function run(lua: string, userID: string, args: string[]): Promise<unknown> {
    const keys = keysOf(prefix, userID);
    try {
      return await redis.evalsha(scripts.get(lua) ?? sha(lua), keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  }

  return {
    async applyChanges(changes: CalendarViewChange[]) {
      const byUser = new Map<string, string[]>();
      for (const c of changes) {
        const args = byUser.get(c.userID) ?? [ttl, ''];
        args.push(...rowArgs(c.eventID, c.version, c.row));
        byUser.set(c.userID, args);
      }
      // One script per user: a Cluster cannot run one across slots; the calls are pipelined on the connection.
      await Promise.all([...byUser].map(([userID, args]) => run(APPLY, userID, args)));
    },

    async read(userID, from, to) {
      const args = [ttl, String(from.getTime()), `(${from.getTime() - SHORT_SPAN_MS}`, `(${to.getTime()}`];
      try {
        const found = await timeout(run(READ, userID, args), readTimeoutMs);
        if (!Array.isArray(found)) return undefined;
        const rows: AttendanceRow[] = [];
        for (const json of found) {
          if (typeof json !== 'string') continue;
          const { row, end } = decode(userID, json);
          if (end > from.getTime()) rows.push(row);
        }
        return rows;
      } catch (err) {
        options.logger?.warn({ err, userID }, 'calendar view unreadable; falling back to the read model');
        return undefined;
      }
    },

    async backfill(userID, entries: CalendarViewEntry[], completeFrom) {
      // Chunked so no script blocks Redis for long; only the last chunk marks the view complete.
      for (let i = 0; i === 0 || i < entries.length; i += BACKFILL_CHUNK) {
        const chunk = entries.slice(i, i + BACKFILL_CHUNK);
        const last = i + BACKFILL_CHUNK >= entries.length;
        const args = [ttl, last ? String(completeFrom.getTime()) : ''];
        for (const e of chunk) args.push(...rowArgs(e.row.event.eventID, e.version, e.row));
        await run(APPLY, userID, args);
      }
    },

    async entries(userID) {
      const found = await run(ENTRIES, userID, []);
      const [rows, versions] = Array.isArray(found) ? (found as [string[], string[]]) : [[], []];
      const versionOf = new Map<string, number>();
      for (let i = 0; i + 1 < versions.length; i += 2) versionOf.set(String(versions[i]), Number(versions[i + 1]));
      const entries: CalendarViewEntry[] = [];
      for (let i = 0; i + 1 < rows.length; i += 2) {
        const eventID = String(rows[i]);
        entries.push({ version: versionOf.get(eventID) ?? 0, row: decode(userID, String(rows[i + 1])).row });
      }
      return entries.sort((a, b) => (a.row.event.eventID < b.row.event.eventID ? -1 : 1));
    },

    async clear() {
      const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*`;
      const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) {
            const batch = node.pipeline();
            for (const key of keys) batch.unlink(key);
            await batch.exec();
          }
        } while (cursor !== '0');
      }
    },
  };
}

/**
 * A client suited to the views: commands fail at once while Redis is unreachable instead of queueing,
 * so reads fall back to the read model and the projector's batch is redelivered, and it keeps reconnecting.
 */
export function calendarViewsRedisClient(url: string, options: RedisOptions & { logger?: CalendarViewsLogger } = {}): Redis {
  const { logger, ...redisOptions } = options;
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, ...redisOptions });
  // Without a listener ioredis prints every connection error itself.
  redis.on('error', (err: unknown) => logger?.warn({ err }, 'redis connection error'));
  return redis;
}
