import { type ChildProcess, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repo = resolve(__dirname, '../..');

/** Every path under `dir` whose mode lets group or others in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) found.push(...openToOthers(path));
  }
  return found;
}

describe('the embedded default keeps its data folder private', () => {
  const root = mkdtempSync(join(tmpdir(), 'datebook-data-mode-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      await new Promise<void>((done) => {
        child?.once('exit', () => done());
        child?.kill('SIGTERM');
      });
    }
    rmSync(root, { recursive: true, force: true });
  });

  test('the data folder is 0700, the JWT secret 0600, and nothing under it is open to group or others', async () => {
    const dataDir = join(root, 'data');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    delete env.JWT_SECRET;
    delete env.DATABASE_URL;
    delete env.SMTP_URL;
    // Under umask 000 (the most permissive): the modes must not depend on it.
    child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'deploy/src/embedded.main.ts')], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = child.stdout;
    if (!stdout) throw new Error('no stdout');
    const output: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((ready, fail) => {
      child?.once('exit', (code) => fail(new Error(`the embedded system exited with ${code}: ${output.join('')}`)));
      createInterface({ input: stdout }).on('line', (line) => {
        output.push(line);
        if (line.includes(' is up')) ready();
      });
    });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
    expect(openToOthers(dataDir)).toEqual([]);
  }, 90_000);
});
