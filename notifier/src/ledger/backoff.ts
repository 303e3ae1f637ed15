export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Longest delay between attempts. */
  maxMs: number;
  /** A notification still failing this long after it was recorded is given up and marked failed. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, maxMs: 5 * 60_000, giveUpAfterMs: 3 * 24 * 3_600_000 };

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random, so senders that failed
 * together (SMTP down) do not all come back in the same instant. `random` is injected for tests.
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
