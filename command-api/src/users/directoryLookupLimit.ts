import { DomainError } from '@datebook/shared-kernel';

/**
 * How often one caller may look a person up by address. The directory answers only exact addresses, and
 * this bounds how many a caller can try, so it cannot be walked (OWASP Authentication Cheat Sheet, "account
 * enumeration"): 30 a minute is plenty for typing in the people to share with, and little for a list.
 */
export interface DirectoryLookupPolicy {
  maxLookups: number;
  windowSeconds: number;
}

export const DEFAULT_DIRECTORY_LOOKUP_POLICY: DirectoryLookupPolicy = { maxLookups: 30, windowSeconds: 60 };

export interface DirectoryLookupLimit {
  /** Counts one lookup by `caller` at `now`; throws TOO_MANY_ATTEMPTS (429, `retryAfterSeconds`) once the window's lookups are spent. */
  take(caller: string, now: Date): Promise<void>;
}

export class TooManyLookupsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', 'too many lookups of people by address; try again later', [], { retryAfterSeconds });
  }
}

/**
 * Fixed windows of the given clock (not the host's or Redis's time), the same for every caller: the
 * window a lookup falls in, and the whole seconds until the next one starts (at least 1).
 */
function windowAt(now: Date, policy: DirectoryLookupPolicy): { index: number; retryAfterSeconds: number } {
  const windowMs = policy.windowSeconds * 1000;
  const index = Math.floor(now.getTime() / windowMs);
  return { index, retryAfterSeconds: Math.max(1, Math.ceil(((index + 1) * windowMs - now.getTime()) / 1000)) };
}

/** Every lookup is counted, refused ones too, so hammering gains nothing; the count starts again with the next window. */
function refuseBeyond(count: number, window: { retryAfterSeconds: number }, policy: DirectoryLookupPolicy): void {
  if (count > policy.maxLookups) throw new TooManyLookupsError(window.retryAfterSeconds);
}

/** In this process's memory: the embedded default (one process, so one memory is all there is). */
export function memoryDirectoryLookupLimit(policy: DirectoryLookupPolicy = DEFAULT_DIRECTORY_LOOKUP_POLICY): DirectoryLookupLimit {
  // Windows are the same for everyone, so a new window makes every older count stale: memory holds one window's callers.
  let current = { index: Number.NEGATIVE_INFINITY, counts: new Map<string, number>() };
  return {
    async take(caller, now) {
      const window = windowAt(now, policy);
      if (window.index > current.index) current = { index: window.index, counts: new Map() };
      // A clock set back lands in a window already forgotten: it counts in the newest one instead.
      const count = (current.counts.get(caller) ?? 0) + 1;
      current.counts.set(caller, count);
      refuseBeyond(count, window, policy);
    },
  };
}

/** What the Redis limit needs of a client (ioredis's `eval`). */
export interface RedisScripting {
  eval(script: string, numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

// One round trip, atomic: the count and its expiry are set together, so no key outlives its use.
const COUNT_SCRIPT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/**
 * In Redis, shared by every command-API process (spreading lookups over them gains nothing). The key
 * names the window, so the count follows the given clock; Redis's expiry only clears old windows away.
 * While Redis does not answer, each process counts in its own memory instead of refusing everyone or
 * letting everything through (as the sign-in throttle's insurance limiter does).
 */
export function redisDirectoryLookupLimit(
  redis: RedisScripting,
  policy: DirectoryLookupPolicy = DEFAULT_DIRECTORY_LOOKUP_POLICY,
  keyPrefix = 'datebook:directory-lookups',
): DirectoryLookupLimit {
  const insurance = memoryDirectoryLookupLimit(policy);
  return {
    async take(caller, now) {
      const window = windowAt(now, policy);
      let count: number;
      try {
        count = Number(await redis.eval(COUNT_SCRIPT, 1, `${keyPrefix}:${caller}:${window.index}`, 2 * policy.windowSeconds * 1000));
      } catch {
        return insurance.take(caller, now);
      }
      refuseBeyond(count, window, policy);
    },
  };
}
