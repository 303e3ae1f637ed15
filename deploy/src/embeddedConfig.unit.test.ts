import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedJwtSecret, embeddedPublicUrl } from './embeddedConfig';

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

describe('where the embedded default says users reach it (links in mail, feed addresses)', () => {
  it('is PUBLIC_URL when set, else the port it listens on (a newcomer on PORT=3400 got links to 3000)', () => {
    expect(embeddedPublicUrl({ PUBLIC_URL: 'https://cal.example.org', HOST: '127.0.0.1', PORT: 3400 })).toBe('https://cal.example.org');
    expect(embeddedPublicUrl({ HOST: '127.0.0.1', PORT: 3400 })).toBe('http://127.0.0.1:3400');
    expect(embeddedPublicUrl({ HOST: '0.0.0.0', PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(embeddedPublicUrl({ HOST: '::1', PORT: 3000 })).toBe('http://[::1]:3000');
  });
});
