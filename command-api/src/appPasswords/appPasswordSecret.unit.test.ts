import { appPasswordSha256, normaliseAppPassword } from '@datebook/shared-kernel/http';
import { APP_PASSWORD_ENTROPY_BITS, newAppPasswordSecret } from './appPasswordSecret';

describe('app password secrets', () => {
  it('have at least 128 bits of entropy, in groups people can type', () => {
    expect(APP_PASSWORD_ENTROPY_BITS).toBeGreaterThanOrEqual(128);
    const secret = newAppPasswordSecret();
    expect(secret).toMatch(/^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){6}$/);
  });

  it('use every symbol alike and never repeat', () => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const secret = newAppPasswordSecret();
      seen.add(secret);
      for (const symbol of secret.replaceAll('-', '')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect(seen.size).toBe(2_000);
    expect(counts.size).toBe(32);
    // 56,000 symbols over 32: 1,750 each expected; a biased mapping would be far off.
    for (const count of counts.values()) expect(Math.abs(count - 1_750)).toBeLessThan(250);
  });

  it('are checked in their normal form: any case, with or without separators', () => {
    const secret = newAppPasswordSecret();
    expect(normaliseAppPassword(` ${secret.toUpperCase().replaceAll('-', ' ')} `)).toBe(secret.replaceAll('-', ''));
    expect(appPasswordSha256(secret.toUpperCase())).toBe(appPasswordSha256(secret.replaceAll('-', '')));
    expect(appPasswordSha256(secret)).toMatch(/^[0-9a-f]{64}$/);
  });
});
