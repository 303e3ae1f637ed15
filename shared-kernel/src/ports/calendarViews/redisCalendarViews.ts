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
 * - busy time (see `keptBusyTime`), laid out so a read touches one hash field per day rather than one
 *   sorted-set member per interval (Redis spends about a microsecond per member it returns):
 *   `:bh` hash UTC day number → that day's intervals of at most SHORT_BUSY_MS, each ` <start>|<end>|<b
 *   or t>|<event id>`, filed under every day it touches; `:bl` sorted set of the longer intervals (as
 *   `<start>|<end>|<b or t>|<event id>`, scored by start); `:bm` hash event id → that event's
 *   intervals (to replace them, `L`-prefixed when in `:bl`); `:bu`/`:bf` sorted sets of the event ids
 *   whose kept occurrences stop before the end of the series / start after its beginning, scored by
 *   that instant; `:bk` hash of what a read checks first, in one call: `c` the instant busy time is
 *   complete from (set with `:c` by a backfill of this layout), `l` the longest interval in `:bl` (how
 *   far before a window a read looks there), `u`/`f` the lowest score of `:bu` / highest of `:bf`.
 * Members are event ids rather than row JSON so a change rewrites the row in place and each row is
 * stored once.
 */
const KEY_SUFFIXES = ['v', 'r', 's', 'l', 'c', 'bh', 'bm', 'bk', 'bu', 'bf', 'bl'] as const;
const keysOf = (prefix: string, userID: string) => KEY_SUFFIXES.map((k) => `${prefix}{${userID}}:${k}`);
/** The keys a busy read needs, in the order BUSY takes them. */
const BUSY_KEYS = ['bk', 'bh', 'bl'] as const;
const busyKeysOf = (prefix: string, userID: string) => BUSY_KEYS.map((k) => `${prefix}{${userID}}:${k}`);
const DAY_MS = 86_400_000;
/** Busy intervals up to a day (timed events, all-day days) are filed by day in `:bh`; longer ones go to `:bl`. */
const SHORT_BUSY_MS = DAY_MS;

const TOUCH = `
local ttl = tonumber(ARGV[1])
if ttl > 0 then for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], ttl) end end
`;

// ARGV: ttl, completeFrom ('' for none), rekeep ('1': rows already at their version get their busy
// time kept anew), then per row: event id, version, index ('s', 'l', or '' to remove), score, JSON,
// busy intervals ('<start>|<end>|<b|t>' space-separated, 'L'-prefixed when longer than SHORT_BUSY_MS),
// covered from, covered until ('' = unbounded), longest long interval.
// Day texts are read once and written once per script, however many intervals a row files there.
const APPLY = `
local days = {}
local function dayText(day)
  local text = days[day]
  if text == nil then
    text = redis.call('HGET', KEYS[6], day) or ''
    days[day] = text
  end
  return text
end
local function eachDay(interval, fn)
  local s, e = string.match(interval, '^(%-?%d+)|(%-?%d+)|')
  for d = math.floor(tonumber(s) / ${DAY_MS}), math.floor((tonumber(e) - 1) / ${DAY_MS}) do fn(string.format('%d', d)) end
end
local function unfile(entry)
  return function(day)
    local text = dayText(day)
    local from = 1
    while true do
      local i, j = string.find(text, entry, from, true)
      if not i then return end
      local after = string.sub(text, j + 1, j + 1)
      if after == '' or after == ' ' then
        days[day] = string.sub(text, 1, i - 1) .. string.sub(text, j + 1)
        return
      end
      from = j + 1
    end
  end
end
local function clearBusy(id)
  local old = redis.call('HGET', KEYS[7], id)
  if old then
    for m in string.gmatch(old, '%S+') do
      if string.sub(m, 1, 1) == 'L' then redis.call('ZREM', KEYS[11], string.sub(m, 2) .. '|' .. id)
      else eachDay(m, unfile(' ' .. m .. '|' .. id)) end
    end
    redis.call('HDEL', KEYS[7], id)
  end
  redis.call('ZREM', KEYS[9], id)
  redis.call('ZREM', KEYS[10], id)
end
local function keepBusy(id, intervals, coveredFrom, coveredUntil, longestLong)
  clearBusy(id)
  if intervals ~= '' then
    redis.call('HSET', KEYS[7], id, intervals)
    for m in string.gmatch(intervals, '%S+') do
      if string.sub(m, 1, 1) == 'L' then
        redis.call('ZADD', KEYS[11], string.match(m, '^L(%-?%d+)|'), string.sub(m, 2) .. '|' .. id)
      else
        local entry = ' ' .. m .. '|' .. id
        eachDay(m, function(day) days[day] = dayText(day) .. entry end)
      end
    end
  end
  if coveredUntil ~= '' then redis.call('ZADD', KEYS[9], coveredUntil, id) end
  if coveredFrom ~= '' then redis.call('ZADD', KEYS[10], coveredFrom, id) end
  if tonumber(longestLong) > tonumber(redis.call('HGET', KEYS[8], 'l') or '0') then redis.call('HSET', KEYS[8], 'l', longestLong) end
end
-- The lowest / highest score of a sorted set, mirrored into a field of :bk (none when it is empty).
local function mirror(set, at, field)
  local got = redis.call('ZRANGE', set, at, at, 'WITHSCORES')
  if got[2] then redis.call('HSET', KEYS[8], field, got[2]) else redis.call('HDEL', KEYS[8], field) end
end
local function writeDays()
  local set, gone = {}, {}
  for day, text in pairs(days) do
    if text == '' then gone[#gone + 1] = day else set[#set + 1] = day; set[#set + 1] = text end
    if #set >= 1000 then redis.call('HSET', KEYS[6], unpack(set)); set = {} end
    if #gone >= 1000 then redis.call('HDEL', KEYS[6], unpack(gone)); gone = {} end
  end
  if #set > 0 then redis.call('HSET', KEYS[6], unpack(set)) end
  if #gone > 0 then redis.call('HDEL', KEYS[6], unpack(gone)) end
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
writeDays()
mirror(KEYS[9], 0, 'u')
mirror(KEYS[10], -1, 'f')
if ARGV[2] ~= '' then
  local since = redis.call('GET', KEYS[5])
  if not since or tonumber(ARGV[2]) < tonumber(since) then redis.call('SET', KEYS[5], ARGV[2]) end
  since = redis.call('HGET', KEYS[8], 'c')
  if not since or tonumber(ARGV[2]) < tonumber(since) then redis.call('HSET', KEYS[8], 'c', ARGV[2]) end
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

// KEYS: per user bk, bh, bl (see busyKeysOf). ARGV: from, to, 'list' or 'any', then the UTC day
// numbers the window touches, each prefixed '=' when the day lies wholly inside the window. Per user
// {0} when the view cannot answer the window (busy time incomplete, or a series' kept occurrences
// stop inside it); else ('any') {1, 0 or 1}: whether any interval overlaps it; else ('list') {1, {day
// text or nil…}, {long interval…}}: the day texts as stored and the long intervals starting up to
// the longest one before the window's end, for the caller to pick what overlaps the window.
// Two to four calls per user and no string work in 'list': Redis pays per call and per value.
// Reads do not extend the views' idle time: the calendar reads and writes do that.
const BUSY = `
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local before = '(' .. ARGV[2]
local any = ARGV[3] == 'any'
local days, whole = {}, {}
for a = 4, #ARGV do
  local field = ARGV[a]
  if string.sub(field, 1, 1) == '=' then field = string.sub(field, 2); whole[#days + 1] = true end
  days[#days + 1] = field
end
local function long(key, longest)
  if not longest then return {} end
  return redis.call('ZRANGE', key, '(' .. string.format('%.0f', from - tonumber(longest)), before, 'BYSCORE')
end
local function overlaps(text)
  for s, e in string.gmatch(text, '(%-?%d+)|(%-?%d+)|') do
    if tonumber(s) < to and tonumber(e) > from then return true end
  end
  return false
end
local out = {}
for k = 0, #KEYS - 1, 3 do
  local meta = redis.call('HMGET', KEYS[k + 1], 'c', 'u', 'f', 'l')
  if not meta[1] or from < tonumber(meta[1]) or (meta[2] and tonumber(meta[2]) < to) or (meta[3] and tonumber(meta[3]) > from) then
    out[#out + 1] = {0}
  elseif any then
    local texts = redis.call('HMGET', KEYS[k + 2], unpack(days))
    local busy = 0
    for d = 1, #days do
      -- A day wholly inside the window: anything filed there overlaps it.
      if texts[d] and (whole[d] or overlaps(texts[d])) then busy = 1 break end
    end
    if busy == 0 then
      for _, m in ipairs(long(KEYS[k + 3], meta[4])) do
        if overlaps(m) then busy = 1 break end
      end
    end
    out[#out + 1] = {1, busy}
  else
    out[#out + 1] = {1, redis.call('HMGET', KEYS[k + 2], unpack(days)), long(KEYS[k + 3], meta[4])}
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
  const intervals: string[] = [];
  let longestLong = 0;
  for (const i of kept.intervals) {
    const long = i.end - i.start > SHORT_BUSY_MS;
    if (long) longestLong = Math.max(longestLong, i.end - i.start);
    intervals.push(`${long ? 'L' : ''}${i.start}|${i.end}|${i.kind === 'busy' ? 'b' : 't'}`);
  }
  const bound = (instant: number) => (Number.isFinite(instant) ? String(instant) : '');
  return [intervals.join(' '), bound(kept.coveredFrom), bound(kept.coveredUntil), String(longestLong)];
}

function rowArgs(eventID: string, version: number, row: AttendanceRow | null, now: number): string[] {
  if (!row) return [eventID, String(version), '', '0', '', '', '', '', '0'];
  const { start, end } = viewSpan(row);
  const index = !Number.isFinite(start) ? ['l', '-inf'] : [end - start <= SHORT_SPAN_MS ? 's' : 'l', String(start)];
  return [eventID, String(version), ...index, encode(row, end), ...busyArgs(row, now)];
}

/**
 * The intervals of BUSY's 'list' answer that overlap [from, to), each once: an interval crossing
 * midnight is filed under both days, so it is taken from the text of the day it starts on, or from
 * the first day read when it starts before that.
 */
function busyFromAnswer(answer: BusyAnswer, days: string[], from: number, to: number): BusyInterval[] {
  const found: BusyInterval[] = [];
  const firstDay = Number(days[0]?.replace('=', ''));
  const take = (entry: string, day: number | undefined) => {
    const bar = entry.indexOf('|');
    const kindAt = entry.indexOf('|', bar + 1) + 1;
    const start = Number(entry.slice(0, bar));
    if (day !== undefined && day !== firstDay && Math.floor(start / DAY_MS) !== day) return;
    const end = Number(entry.slice(bar + 1, kindAt - 1));
    if (start < to && end > from) found.push({ start, end, kind: entry.charCodeAt(kindAt) === 98 /* b */ ? 'busy' : 'tentative' });
  };
  const texts = (answer[1] ?? []) as (string | null)[];
  texts.forEach((text, d) => {
    if (!text) return;
    const day = firstDay + d;
    // Each entry is ' <start>|<end>|<kind>|<event id>'.
    for (let at = text.indexOf(' '); at !== -1; ) {
      const next = text.indexOf(' ', at + 1);
      take(text.slice(at + 1, next === -1 ? undefined : next), day);
      at = next;
    }
  });
  for (const entry of (answer[2] ?? []) as string[]) take(entry, undefined);
  return found.sort((a, b) => a.start - b.start);
}

/** The UTC day numbers [from, to) touches (the fields of `:bh` a read needs), '='-prefixed when wholly inside it. */
function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  for (let d = Math.floor(from / DAY_MS); d <= Math.floor((to - 1) / DAY_MS); d++) days.push(d * DAY_MS >= from && (d + 1) * DAY_MS <= to ? `=${d}` : String(d));
  return days;
}

const MAX_BUSY_READ_DAYS = 93;

/** One user's part of BUSY's answer (see BUSY). */
type BusyAnswer = (number | (string | null)[])[];

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

  /** BUSY's answers (over `days`, see `daysOf`) of the users whose views can answer; none when Redis fails (the caller reads the read model). */
  async function readBusy(userIDs: string[], from: Date, to: Date, days: string[], mode: 'list' | 'any'): Promise<Map<string, BusyAnswer>> {
    // A field per day: a window longer than a quarter is left to the read model rather than read day by day.
    if (days.length > MAX_BUSY_READ_DAYS) return new Map();
    const args = [String(from.getTime()), String(to.getTime()), mode, ...days];
    const unique = [...new Set(userIDs)];
    // Standalone: one script for all the users, one round trip. A Cluster spreads users over slots, so one each.
    const calls = redis instanceof Cluster ? unique.map((u) => [u]) : [unique];
    const answered = new Map<string, BusyAnswer>();
    try {
      const answers = await timeout(Promise.all(calls.map((users) => runOn(BUSY, users.flatMap((u) => busyKeysOf(prefix, u)), args))), readTimeoutMs);
      calls.forEach((users, c) => {
        const perUser = answers[c] as BusyAnswer[];
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
      const days = daysOf(from.getTime(), to.getTime());
      for (const [userID, answer] of await readBusy(userIDs, from, to, days, 'list')) {
        found.set(userID, busyFromAnswer(answer, days, from.getTime(), to.getTime()));
      }
      return found;
    },

    async whoIsBusy(userIDs, from, to) {
      const found = new Map<string, boolean>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, daysOf(from.getTime(), to.getTime()), 'any')) found.set(userID, answer[1] === 1);
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
  // Auto-pipelining: the commands of concurrent requests issued in one tick go out in one write (one syscall, not one each).
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, enableAutoPipelining: true, ...redisOptions });
  // Without a listener ioredis prints every connection error itself.
  redis.on('error', (err: unknown) => logger?.warn({ err }, 'redis connection error'));
  return redis;
}
