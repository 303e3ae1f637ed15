import { retryDelayMs } from './backoff';

const policy = { baseMs: 1_000, maxMs: 60_000, giveUpAfterMs: 3_600_000 };

test('the delay doubles per attempt within its jitter band and stops growing at the cap', () => {
  expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
  expect(retryDelayMs(policy, 40, () => 1)).toBe(60_000);
  expect(retryDelayMs(policy, 40, () => 0)).toBe(30_000);
});
