import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, pollUntil } from '@datebook/shared-kernel/testing';

const repo = resolve(__dirname, '../..');

/** The ids of every process below `pid` (from /proc: Linux, like the rest of the tooling here). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may hold spaces, so split after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (id: number) => {
    for (const child of children.get(id) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const answers = (port: number) => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);

/** `npm start` as a person runs it, on a data folder and port of its own. */
function npmStart(dataDir: string, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | NodeJS.Signals | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const key of ['JWT_SECRET', 'DATABASE_URL', 'SMTP_URL', 'npm_config_loglevel']) delete env[key];
  const child = spawn('npm', ['start'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  return { child, output: () => chunks.join(''), exited };
}

describe('npm start', () => {
  const root = mkdtempSync(join(tmpdir(), 'datebook-npm-start-'));
  const leftovers: number[] = [];
  afterAll(() => {
    // Only if a test failed half-way: stop what this file started, by id.
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('SIGTERM to the npm process stops the server: the port closes and no process it started remains', async () => {
    const port = await freePort();
    const started = npmStart(join(root, 'sigterm'), port);
    const npmPid = started.child.pid ?? 0;
    leftovers.push(npmPid);
    await pollUntil(async () => started.child.exitCode === null && (await answers(port)), { timeoutMs: 60_000, pollMs: 50, what: () => `/healthz answering on ${port} (output: ${started.output()})` });
    const tree = descendantsOf(npmPid);
    leftovers.push(...tree);
    expect(tree.length).toBeGreaterThan(0);

    started.child.kill('SIGTERM');
    // npm relays the signal to the server, waits for it and exits with its status: 0, a clean stop.
    expect(await started.exited).toBe(0);
    await pollUntil(() => tree.every((pid) => !isAlive(pid)), { timeoutMs: 30_000, pollMs: 50, what: 'every process npm started exiting' });
    expect(await answers(port)).toBe(false);
    expect(started.output()).not.toMatch(/\n\s+at /);
  }, 90_000);

  describe('on a port that is taken', () => {
    let taken: Server;
    let port: number;
    beforeAll(async () => {
      taken = createServer();
      await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
      port = (taken.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise((done) => taken.close(done));
    });

    test('says which port and what to set, with no stack trace, and exits 1', async () => {
      const started = npmStart(join(root, 'taken'), port);
      leftovers.push(started.child.pid ?? 0);
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(`port ${port} is in use; set PORT`);
      expect(started.output()).not.toMatch(/\n\s+at /);
    }, 90_000);
  });
});
