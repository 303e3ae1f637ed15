/**
 * Where a user's view lives in Redis. Every key of a user shares the hash tag `{userID}`, so one Lua
 * script may touch them all on a Cluster (Cluster spec, "Hash tags": only the first `{…}` is hashed):
 * - `<prefix>{u}:v` hash event id → last version applied (kept after a removal: the tombstone);
 * - `<prefix>{u}:r` hash event id → the row's JSON and span end (see `storedRow.ts`);
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
 *   far before a window a read looks there), `u`/`f` the lowest score of `:bu` / highest of `:bf`, and `n`
 *   the view's change stamp (moved by every write, see applyChanges.lua).
 * Members are event ids rather than row JSON so a change rewrites the row in place and each row is
 * stored once.
 */
const VIEW_KEY_SUFFIXES = ['v', 'r', 's', 'l', 'c', 'bh', 'bm', 'bk', 'bu', 'bf', 'bl'] as const;
/** The keys a busy read needs, in the order the busy script takes them. */
const BUSY_KEY_SUFFIXES = ['bk', 'bh', 'bl'] as const;

/** How many keys a view has: the scripts that take them all (KEYS[1] = `:v` … KEYS[11] = `:bl`). */
export const VIEW_KEY_COUNT = VIEW_KEY_SUFFIXES.length;
/** How many keys a busy read takes per user. */
export const BUSY_KEY_COUNT = BUSY_KEY_SUFFIXES.length;

/** The prefix checked: it must leave the user id as the keys' only hash tag. Default `cal:`. */
export function viewKeyPrefix(prefix = 'cal:'): string {
  if (/[{}]/.test(prefix)) throw new Error('the key prefix of calendar views must not contain braces');
  return prefix;
}

const userKey = (prefix: string, userID: string, suffix: string) => `${prefix}{${userID}}:${suffix}`;

/** Every key of one user's view, in the order the apply, read and entries scripts take them. */
export const viewKeysOf = (prefix: string, userID: string): string[] => VIEW_KEY_SUFFIXES.map((k) => userKey(prefix, userID, k));

/** The keys a busy read of one user needs, in the order the busy script takes them. */
export const busyKeysOf = (prefix: string, userID: string): string[] => BUSY_KEY_SUFFIXES.map((k) => userKey(prefix, userID, k));

/** The key holding a view's change stamp (field `n`). */
export const stampKeyOf = (prefix: string, userID: string): string => userKey(prefix, userID, 'bk');

/** A SCAN pattern matching every view key under the prefix (and nothing else: the `{` follows it). */
export const allViewsPattern = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*`;
