import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedJwtSecret } from './embeddedConfig';

/** Item 5: an empty or short secret file must stop the start, not sign with an empty key. */
describe('the embedded default’s JWT secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'datebook-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a 256-bit secret on first start, readable by the owner only, and keeps it', () => {
    const secret = embeddedJwtSecret({}, dir);
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(embeddedJwtSecret({}, dir)).toBe(secret);
  });

  it('refuses an empty or short secret file, naming it', () => {
    writeFileSync(join(dir, 'jwt-secret'), '\n', { mode: 0o644 });
    expect(() => embeddedJwtSecret({}, dir)).toThrow(new RegExp(`the secret in ${join(dir, 'jwt-secret')} is 0 bytes long; HS256 needs at least 32`));
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'jwt-secret'), 'short');
    expect(() => embeddedJwtSecret({}, dir)).toThrow(/5 bytes/);
  });

  it('takes JWT_SECRET first, and refuses it too when short', () => {
    expect(embeddedJwtSecret({ JWT_SECRET: 's'.repeat(32) }, dir)).toBe('s'.repeat(32));
    expect(() => embeddedJwtSecret({ JWT_SECRET: 'é'.repeat(15) }, dir)).toThrow(/JWT_SECRET is 30 bytes/);
  });
});
