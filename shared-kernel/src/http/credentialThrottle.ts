import { DomainError } from '../errors/domainError';

/**
 * Online guessing limits for a credential check (NIST SP 800-63B §5.2.2): the shape of command-api's
 * `SignInThrottle` (command-api/src/users/signInThrottle.ts, Redis-backed in production), which every
 * command-API composition passes; processes without it use `memoryCredentialThrottle` below.
 */
export interface CredentialThrottle {
  /** Throws TOO_MANY_ATTEMPTS (429, `retryAfterSeconds` in its extensions) while the account or the client is blocked. */
  check(account: string, client: string): Promise<void>;
  /** Counts a wrong credential against both. */
  failed(account: string, client: string): Promise<void>;
  /** The right credential: the account's count of consecutive failures starts again. */
  succeeded(account: string): Promise<void>;
}

/** The policy of the sign-in limits (README, Accounts): the same numbers for every credential check. */
export interface CredentialThrottlePolicy {
  maxConsecutiveFailures: number;
  /** Consecutive failures are forgotten after this long without a success either. */
  failureMemorySeconds: number;
  firstBlockSeconds: number;
  maxBlockSeconds: number;
  maxFailuresPerClient: number;
  clientWindowSeconds: number;
}

export const DEFAULT_CREDENTIAL_THROTTLE_POLICY: CredentialThrottlePolicy = {
  maxConsecutiveFailures: 10,
  failureMemorySeconds: 24 * 3600,
  firstBlockSeconds: 60,
  maxBlockSeconds: 3600,
  maxFailuresPerClient: 100,
  clientWindowSeconds: 15 * 60,
};

/** Keys kept per map; past it, the memory starts again (a flood of made-up addresses cannot grow it without bound). */
const MAX_KEYS = 100_000;

const tooMany = (waitMs: number) =>
  new DomainError('TOO_MANY_ATTEMPTS', 'too many failed sign-in attempts; try again later', [], { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });

/**
 * The same limits in this process's memory, for a process that checks credentials without command-api's
 * shared counters (the query API checks app passwords too). Per account: the `maxConsecutiveFailures`-th
 * failure in a row blocks it for `firstBlockSeconds`, each further one doubles the block up to
 * `maxBlockSeconds`; per client: `maxFailuresPerClient` failures in a `clientWindowSeconds` window block it
 * until the window ends. Time comes from `clock`.
 */
export function memoryCredentialThrottle(clock: () => Date, policy: CredentialThrottlePolicy = DEFAULT_CREDENTIAL_THROTTLE_POLICY): CredentialThrottle {
  const accounts = new Map<string, { failures: number; lastFailureAt: number; blockedUntil: number }>();
  const clients = new Map<string, { failures: number; windowStart: number }>();
  const now = () => clock().getTime();
  const key = (account: string) => account.trim().toLowerCase();
  const keep = <V>(map: Map<string, V>, k: string, value: V) => {
    if (map.size >= MAX_KEYS && !map.has(k)) map.clear();
    map.set(k, value);
  };
  const clientOf = (client: string) => {
    const entry = clients.get(client);
    return entry && now() - entry.windowStart < policy.clientWindowSeconds * 1000 ? entry : undefined;
  };
  return {
    async check(account, client) {
      const waits: number[] = [];
      const blocked = accounts.get(key(account));
      if (blocked && blocked.blockedUntil > now()) waits.push(blocked.blockedUntil - now());
      const window = clientOf(client);
      if (window && window.failures >= policy.maxFailuresPerClient) waits.push(window.windowStart + policy.clientWindowSeconds * 1000 - now());
      if (waits.length > 0) throw tooMany(Math.max(...waits));
    },
    async failed(account, client) {
      const at = now();
      const previous = accounts.get(key(account));
      const remembered = previous && at - previous.lastFailureAt < policy.failureMemorySeconds * 1000 ? previous.failures : 0;
      const failures = remembered + 1;
      const blockSeconds = failures < policy.maxConsecutiveFailures ? 0 : Math.min(policy.maxBlockSeconds, policy.firstBlockSeconds * 2 ** (failures - policy.maxConsecutiveFailures));
      keep(accounts, key(account), { failures, lastFailureAt: at, blockedUntil: blockSeconds > 0 ? at + blockSeconds * 1000 : 0 });
      const window = clientOf(client) ?? { failures: 0, windowStart: at };
      keep(clients, client, { failures: window.failures + 1, windowStart: window.windowStart });
    },
    async succeeded(account) {
      accounts.delete(key(account));
    },
  };
}
