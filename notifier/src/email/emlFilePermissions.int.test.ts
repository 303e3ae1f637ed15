import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { emlFileMailTransport } from './emlFileMailTransport';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('.eml mail is private to the process owner', () => {
  const root = mkdtempSync(join(tmpdir(), 'datebook-eml-mode-'));
  let umask: number;
  beforeAll(() => {
    // The most permissive umask: the modes must not depend on it.
    umask = process.umask(0);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  test('a new mail folder is 0700 and each message 0600', async () => {
    const dir = join(root, 'new', 'mail');
    const transport = emlFileMailTransport(dir, pino({ level: 'silent' }));
    await transport.send({ messageId: '<1@datebook>', from: 'Datebook <calendar@datebook.invalid>', to: 'ann@example.com', subject: 'Private', text: 'secret agenda', html: '<p>secret agenda</p>' });
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(modeOf(dir)).toBe(0o700);
    for (const file of files) expect(modeOf(join(dir, file))).toBe(0o600);
  });

  test('an existing world-readable mail folder is tightened', async () => {
    const dir = join(root, 'old-mail');
    mkdirSync(dir, { mode: 0o777 });
    expect(modeOf(dir)).toBe(0o777);
    const transport = emlFileMailTransport(dir, pino({ level: 'silent' }));
    await transport.send({ messageId: '<2@datebook>', from: 'Datebook <calendar@datebook.invalid>', to: 'ann@example.com', subject: 'Private', text: 'x', html: '<p>x</p>' });
    expect(modeOf(dir)).toBe(0o700);
    for (const file of readdirSync(dir)) expect(modeOf(join(dir, file))).toBe(0o600);
  });
});
