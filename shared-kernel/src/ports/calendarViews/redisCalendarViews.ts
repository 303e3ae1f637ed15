import { createHash } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { BusyInterval } from '../../availability';
import type { AttendanceRow } from '../readModel/attendanceRows';
import { type CalendarViewChange, type CalendarViewEntry, type CalendarViews, type CalendarViewsLogger, SHORT_SPAN_MS, viewSpan } from './calendarViews';
import { keptBusyTime } from './viewBusyTime';

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
}

/**
 * Per user (all keys share the hash tag `{userID}`, so one Lua script may touch them on a Cluster):
 * - `<prefix>{u}:v` hash event id → last version applied (kept after a removal: the tombstone);
 * - `<prefix>{u}:r` hash event id → the row's JSON and span end;
 * - `<prefix>{u}:s` sorted set of event ids scored by span start, rows spanning at most SHORT_SPAN_MS;
 * - `<prefix>{u}:l` the same for longer rows (series, multi-day events), read from -inf: a sorted set
 *   by start alone cannot bound an endless series, and keeping them apart keeps the short range tight;
 * - `<prefix>{u}:c` the instant the view is complete from;
 * - busy time (see `keptBusyTime`): `:b` sorted set of `<start>|<end>|<b or t>|<event id>` scored by
 *   start, `:bm` hash event id → that event's members (to replace them), `:bd` the longest interval
 *   (how far before a window a read looks), `:bu`/`:bf` sorted sets of the event ids whose kept
 *   occurrences stop before the end of the series / start after its beginning, scored by that instant.
 * Members are event ids rather than row JSON so a change rewrites the row in place and each row is
 * stored once.
 */
const KEY_SUFFIXES = ['v', 'r', 's', 'l', 'c', 'b', 'bm', 'bd', 'bu', 'bf'] as const;
const keysOf = (prefix: string, userID: string) => KEY_SUFFIXES.map((k) => `${prefix}{${userID}}:${k}`);
/** The keys a busy read needs, in the order BUSY takes them. */
const busyKeysOf = (prefix: string, userID: string) => ['c', 'b', 'bd', 'bu', 'bf'].map((k) => `${prefix}{${userID}}:${k}`);

const TOUCH = `
local ttl = tonumber(ARGV[1])
if ttl > 0 then for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], ttl) end end
`;

// ARGV: ttl, completeFrom ('' for none), rekeep ('1': rows already at their version get their busy
// time kept anew), then per row: event id, version, index ('s', 'l', or '' to remove), score, JSON,
// busy members ('<start>|<end>|<b|t>' space-separated), covered from, covered until ('' = unbounded),
// longest interval.
const APPLY = `
local function clearBusy(id)
  local old = redis.call('HGET', KEYS[7], id)
  if old then
    for m in string.gmatch(old, '%S+') do redis.call('ZREM', KEYS[6], m .. '|' .. id) end
    redis.call('HDEL', KEYS[7], id)
  end
  redis.call('ZREM', KEYS[9], id)
  redis.call('ZREM', KEYS[10], id)
end
local function keepBusy(id, members, coveredFrom, coveredUntil, longest)
  clearBusy(id)
  if members ~= '' then
    redis.call('HSET', KEYS[7], id, members)
    for m in string.gmatch(members, '%S+') do
      redis.call('ZADD', KEYS[6], string.match(m, '^(%-?%d+)|'), m .. '|' .. id)
    end
  end
  if coveredUntil ~= '' then redis.call('ZADD', KEYS[9], coveredUntil, id) end
  if coveredFrom ~= '' then redis.call('ZADD', KEYS[10], coveredFrom, id) end
  if tonumber(longest) > tonumber(redis.call('GET', KEYS[8]) or '0') then redis.call('SET', KEYS[8], longest) end
end
for i = 4, #ARGV, 9 do
  local id = ARGV[i]
  local version = tonumber(ARGV[i + 1])
  local index = ARGV[i + 2]
  local seen = tonumber(redis.call('HGET', KEYS[1], id) or '-1')
  if version > seen then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    if index == '' then
      redis.call('HDEL', KEYS[2], id)
      clearBusy(id)
    else
      redis.call('HSET', KEYS[2], id, ARGV[i + 4])
      redis.call('ZADD', index == 'l' and KEYS[4] or KEYS[3], ARGV[i + 3], id)
      keepBusy(id, ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
    end
  elseif version == seen and ARGV[3] == '1' and index ~= '' and redis.call('HEXISTS', KEYS[2], id) == 1 then
    keepBusy(id, ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
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

// KEYS: per user c, b, bd, bu, bf (see busyKeysOf). ARGV: from, to, 'list' or 'any'. Per user {0} when
// the view cannot answer the window (incomplete, or a series' kept occurrences stop inside it), else
// {1, '<start>|<end>|<b or t>'…} overlapping it ('list'), or {1, 0 or 1} whether there is any ('any').
// Reads do not extend the views' idle time: the calendar reads and writes do that.
const BUSY = `
local from = tonumber(ARGV[1])
local any = ARGV[3] == 'any'
local out = {}
for u = 0, #KEYS / 5 - 1 do
  local k = u * 5
  local since = redis.call('GET', KEYS[k + 1])
  if not since or from < tonumber(since)
    or #redis.call('ZRANGE', KEYS[k + 4], '-inf', '(' .. ARGV[2], 'BYSCORE', 'LIMIT', 0, 1) > 0
    or #redis.call('ZRANGE', KEYS[k + 5], '(' .. ARGV[1], '+inf', 'BYSCORE', 'LIMIT', 0, 1) > 0 then
    out[#out + 1] = {0}
  else
    local lookback = tonumber(redis.call('GET', KEYS[k + 3]) or '0')
    local found = {1}
    for _, m in ipairs(redis.call('ZRANGE', KEYS[k + 2], string.format('%.0f', from - lookback), '(' .. ARGV[2], 'BYSCORE')) do
      local interval, stop = string.match(m, '^(%-?%d+|(%-?%d+)|%a)')
      if tonumber(stop) > from then
        if any then found[2] = 1 break end
        found[#found + 1] = interval
      end
    end
    if any and not found[2] then found[2] = 0 end
    out[#out + 1] = found
  end
end
return out
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

function busyArgs(row: AttendanceRow, now: number): string[] {
  const kept = keptBusyTime(row, now);
  const members = kept.intervals.map((i) => `${i.start}|${i.end}|${i.kind === 'busy' ? 'b' : 't'}`).join(' ');
  const longest = kept.intervals.reduce((max, i) => Math.max(max, i.end - i.start), 0);
  const bound = (instant: number) => (Number.isFinite(instant) ? String(instant) : '');
  return [members, bound(kept.coveredFrom), bound(kept.coveredUntil), String(longest)];
}

function rowArgs(eventID: string, version: number, row: AttendanceRow | null, now: number): string[] {
  if (!row) return [eventID, String(version), '', '0', '', '', '', '', '0'];
  const { start, end } = viewSpan(row);
  const index = !Number.isFinite(start) ? ['l', '-inf'] : [end - start <= SHORT_SPAN_MS ? 's' : 'l', String(start)];
  return [eventID, String(version), ...index, encode(row, end), ...busyArgs(row, now)];
}

/** A busy interval as BUSY returns it: `<start>|<end>|<b or t>`. */
function decodeBusy(text: string): BusyInterval {
  const bar = text.indexOf('|');
  return { start: Number(text.slice(0, bar)), end: Number(text.slice(bar + 1, -2)), kind: text.endsWith('b') ? 'busy' : 'tentative' };
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
  const clock = options.clock ?? Date.now;
  const ttl = String(options.idleTtlMs ?? 30 * 86_400_000);
  const sha = (lua: string) => createHash('sha1').update(lua).digest('hex');
  const scripts = new Map([APPLY, READ, ENTRIES, BUSY].map((lua) => [lua, sha(lua)]));

  async function run(lua: string, userID: string, args: string[]): Promise<unknown> {
    return runOn(lua, keysOf(prefix, userID), args);
  }

  async function runOn(lua: string, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(scripts.get(lua) ?? sha(lua), keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  }

  /** BUSY's answers of the users whose views can answer; none when Redis fails (the caller reads the read model). */
  async function readBusy(userIDs: string[], from: Date, to: Date, mode: 'list' | 'any'): Promise<Map<string, (string | number)[]>> {
    const args = [String(from.getTime()), String(to.getTime()), mode];
    const unique = [...new Set(userIDs)];
    // Standalone: one script for all the users, one round trip. A Cluster spreads users over slots, so one each.
    const calls = redis instanceof Cluster ? unique.map((u) => [u]) : [unique];
    const answered = new Map<string, (string | number)[]>();
    try {
      const answers = await timeout(Promise.all(calls.map((users) => runOn(BUSY, users.flatMap((u) => busyKeysOf(prefix, u)), args))), readTimeoutMs);
      calls.forEach((users, c) => {
        const perUser = answers[c] as (string | number)[][];
        users.forEach((userID, u) => {
          const answer = perUser[u];
          if (answer?.[0] === 1) answered.set(userID, answer);
        });
      });
      return answered;
    } catch (err) {
      options.logger?.warn({ err, users: unique.length }, 'busy time unreadable from the views; falling back to the read model');
      return new Map();
    }
  }

  return {
    async applyChanges(changes: CalendarViewChange[]) {
      const byUser = new Map<string, string[]>();
      for (const c of changes) {
        const args = byUser.get(c.userID) ?? [ttl, '', ''];
        args.push(...rowArgs(c.eventID, c.version, c.row, clock()));
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

    async busy(userIDs, from, to) {
      const found = new Map<string, BusyInterval[]>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, 'list')) {
        const intervals: BusyInterval[] = [];
        for (let m = 1; m < answer.length; m++) intervals.push(decodeBusy(String(answer[m])));
        found.set(userID, intervals.sort((a, b) => a.start - b.start));
      }
      return found;
    },

    async whoIsBusy(userIDs, from, to) {
      const found = new Map<string, boolean>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, 'any')) found.set(userID, answer[1] === 1);
      return found;
    },

    async backfill(userID, entries: CalendarViewEntry[], completeFrom) {
      // Chunked so no script blocks Redis for long; only the last chunk marks the view complete.
      for (let i = 0; i === 0 || i < entries.length; i += BACKFILL_CHUNK) {
        const chunk = entries.slice(i, i + BACKFILL_CHUNK);
        const last = i + BACKFILL_CHUNK >= entries.length;
        const args = [ttl, last ? String(completeFrom.getTime()) : '', '1'];
        for (const e of chunk) args.push(...rowArgs(e.row.event.eventID, e.version, e.row, clock()));
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
