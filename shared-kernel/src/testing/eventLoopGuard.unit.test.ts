import { withEventLoopGuard } from './eventLoopGuard';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Deliberately synchronous: this is what the guard exists to catch.
  }
}

describe('withEventLoopGuard', () => {
  it('returns the result and the largest delay when the loop kept turning', async () => {
    const { result, maxDelayMs } = await withEventLoopGuard(async () => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      return 'done';
    }, 500);
    expect(result).toBe('done');
    expect(maxDelayMs).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(500);
  });

  it('throws when fn blocks the loop longer than allowed, even at its very end', async () => {
    await expect(withEventLoopGuard(async () => blockFor(200), 50)).rejects.toThrow(/blocked for up to \d+(\.\d)? ms \(allowed: 50 ms\)/);
  });
});
