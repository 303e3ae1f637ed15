import { pollUntil } from './pollUntil';

describe('pollUntil', () => {
  it('resolves with the elapsed ms once the condition holds, checking it again between pauses', async () => {
    let checks = 0;
    const elapsed = await pollUntil(async () => ++checks === 3, { timeoutMs: 5_000, pollMs: 10, what: 'the third check' });
    expect(checks).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(15);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('resolves at once, without pausing, when the condition already holds', async () => {
    expect(await pollUntil(() => true, { timeoutMs: 1_000, pollMs: 500, what: 'nothing' })).toBeLessThan(100);
  });

  it('rejects after the timeout naming what did not happen, described from the last state seen', async () => {
    let last = 0;
    await expect(pollUntil(() => ++last > 1_000_000, { timeoutMs: 60, pollMs: 5, what: () => `the counter passing a million (at ${last})` }))
      .rejects.toThrow(/^the counter passing a million \(at \d+\) did not happen within 60 ms$/);
    expect(last).toBeGreaterThan(1);
  });
});
