import { DomainError } from '@datebook/shared-kernel';
import { type CredentialThrottle, type CredentialThrottlePolicy, DEFAULT_CREDENTIAL_THROTTLE_POLICY } from '@datebook/shared-kernel/http';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Online guessing limits (NIST SP 800-63B §5.2.2, OWASP Authentication Cheat Sheet): per account,
 * `maxConsecutiveFailures` wrong passwords in a row block it for `firstBlockSeconds`, each further
 * failure doubles the block up to `maxBlockSeconds`, and a successful sign-in starts the count again;
 * per client address, `maxFailuresPerClient` failures in `clientWindowSeconds` block that address
 * until the window ends. Accounts are keyed by the normalised address, whether or not it exists, so a
 * block says nothing about who has an account. The policy is the kernel's: one set of numbers for every
 * credential check, app passwords included.
 */
export type ThrottlePolicy = CredentialThrottlePolicy;
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = DEFAULT_CREDENTIAL_THROTTLE_POLICY;

/** The kernel's credential throttle, with the count of requests that cost someone else. */
export interface SignInThrottle extends CredentialThrottle {
  /** For requests that cost someone else (a mailed link): throws TOO_MANY_ATTEMPTS while the client address is blocked, else counts one. */
  countClient(client: string): Promise<void>;
}

interface Limiters {
  failures: RateLimiterAbstract;
  blocks: RateLimiterAbstract;
  clients: RateLimiterAbstract;
}

export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', 'too many failed sign-in attempts; try again later', [], { retryAfterSeconds });
  }
}

/** How long the `failures`-th consecutive failure blocks the account (none below the limit). */
export function blockSecondsAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.maxConsecutiveFailures) return 0;
  return Math.min(policy.maxBlockSeconds, policy.firstBlockSeconds * 2 ** (failures - policy.maxConsecutiveFailures));
}

function throttleOver(limiters: Limiters, policy: ThrottlePolicy): SignInThrottle {
  const accountKey = (account: string) => account.trim().toLowerCase();
  const refuse = (waits: number[]) => {
    if (waits.length > 0) throw new TooManyAttemptsError(Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
  };
  const clientWait = async (client: string) => {
    const failures = await limiters.clients.get(client);
    return failures && failures.consumedPoints >= policy.maxFailuresPerClient ? [failures.msBeforeNext] : [];
  };
  return {
    async check(account, client) {
      const [block, waits] = await Promise.all([limiters.blocks.get(accountKey(account)), clientWait(client)]);
      refuse([...waits, ...(block && block.consumedPoints > limiters.blocks.points ? [block.msBeforeNext] : [])]);
    },
    async countClient(client) {
      refuse(await clientWait(client));
      await limiters.clients.penalty(client, 1);
    },
    async failed(account, client) {
      const key = accountKey(account);
      const [counted] = await Promise.all([limiters.failures.penalty(key, 1), limiters.clients.penalty(client, 1)]);
      const seconds = blockSecondsAfter(counted.consumedPoints, policy);
      if (seconds > 0) await limiters.blocks.block(key, seconds);
    },
    async succeeded(account) {
      const key = accountKey(account);
      await Promise.all([limiters.failures.delete(key), limiters.blocks.delete(key)]);
    },
  };
}

function memoryLimiters(policy: ThrottlePolicy, prefix: string): Limiters {
  return {
    failures: new RateLimiterMemory({ keyPrefix: `${prefix}:failures`, points: Number.MAX_SAFE_INTEGER, duration: policy.failureMemorySeconds }),
    blocks: new RateLimiterMemory({ keyPrefix: `${prefix}:blocks`, points: 1, duration: policy.maxBlockSeconds }),
    clients: new RateLimiterMemory({ keyPrefix: `${prefix}:clients`, points: Number.MAX_SAFE_INTEGER, duration: policy.clientWindowSeconds }),
  };
}

/** In this process's memory: the embedded default (one process, so one memory is all there is). */
export function memorySignInThrottle(policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY): SignInThrottle {
  return throttleOver(memoryLimiters(policy, 'signin'), policy);
}

/**
 * In Redis, shared by every command-API process (an attacker gains nothing by spreading guesses over
 * them). While Redis does not answer, each process limits on its own memory instead of refusing or
 * letting everything through (rate-limiter-flexible's insurance limiter).
 */
export function redisSignInThrottle(redis: unknown, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY, keyPrefix = 'datebook:signin'): SignInThrottle {
  const insurance = memoryLimiters(policy, keyPrefix);
  const limiter = (name: keyof Limiters, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${name}`, points, duration, insuranceLimiter: insurance[name] });
  return throttleOver(
    {
      failures: limiter('failures', Number.MAX_SAFE_INTEGER, policy.failureMemorySeconds),
      blocks: limiter('blocks', 1, policy.maxBlockSeconds),
      clients: limiter('clients', Number.MAX_SAFE_INTEGER, policy.clientWindowSeconds),
    },
    policy,
  );
}
