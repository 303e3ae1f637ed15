import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NOTIFIER_CONSUMER_GROUP } from '@datebook/notifier';
import { CALENDAR_VIEWS_CONSUMER_GROUP, READ_MODEL_CONSUMER_GROUP } from '@datebook/projector';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { Pool } from 'pg';
import { eventsAfter, type LogPoint, logPointReached, storeHead } from '../fixtures';
import { openVisibilityProbe } from '../visibility';
import type { BenchSystem, ServiceTarget } from './benchSystem';
import { benchDatabasePgPids } from './pgProcesses';

/**
 * BENCH_PROFILE=embedded: the whole app in one child process (`embeddedServerProcess.ts`), as `npm
 * start` composes it but on PostgreSQL: command and query API on one port, projector and notifier
 * tailing the store in-process, views in memory. Kept to compare with the production profile.
 * With `cpuProfDir` the child runs under `--cpu-prof` and writes a .cpuprofile when stopped.
 */
export async function startEmbeddedSystem(options: { databaseUrl: string; secret: string; pool: Pool; cpuProfDir?: string }): Promise<BenchSystem> {
  const execArgv = ['--import', 'tsx'];
  const cpuProfiles: Record<string, string> = {};
  if (options.cpuProfDir) {
    const dir = join(options.cpuProfDir, 'server');
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    cpuProfiles.server = dir;
  }
  const child: ChildProcess = fork(resolve(__dirname, 'embeddedServerProcess.ts'), [], {
    execArgv,
    env: { ...process.env, BENCH_DATABASE_URL: options.databaseUrl, BENCH_JWT_SECRET: options.secret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error('the server child did not listen within 60 s')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server child exited with ${code}`));
    });
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type === 'listening' && message.port) {
        clearTimeout(timer);
        resolvePort(message.port);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const server: ServiceTarget = { name: 'server', host: '127.0.0.1', port, pid: child.pid ?? 0 };
  const visibility = await openVisibilityProbe({ databaseUrl: options.databaseUrl });

  // The in-process consumers checkpoint in `consumer_checkpoints` after each delivered batch.
  const checkpoints = async (): Promise<Map<string, LogPoint>> => {
    const { rows } = await options.pool.query<{ g: string; t: string; p: string }>(
      'select consumer_group as g, transaction_id::text as t, position::text as p from consumer_checkpoints',
    );
    return new Map(rows.map((r) => [r.g, { transactionId: r.t, position: r.p }]));
  };
  const groupsReached = (groups: string[], wanted: LogPoint) => async () => {
    const at = await checkpoints();
    return groups.every((g) => logPointReached(at.get(g) ?? null, wanted));
  };

  return {
    profile: 'embedded',
    description: `embedded: one server process (pid ${server.pid}, port ${port}) with command API, query API, in-process projector (views in memory) and notifier, tailing PostgreSQL`,
    commands: server,
    queries: server,
    projector: server,
    cpu: { processes: () => [{ name: 'server', pid: server.pid }], pgPids: () => benchDatabasePgPids(options.pool) },
    visibility,
    cpuProfiles,
    async waitUntilProjected(tail, timeoutMs) {
      if (!tail.last) return 0;
      const wanted = tail.last;
      return pollUntil(groupsReached([READ_MODEL_CONSUMER_GROUP, CALENDAR_VIEWS_CONSUMER_GROUP], wanted), {
        timeoutMs, what: `the projections reaching ${wanted.transactionId}/${wanted.position}`,
      });
    },
    async waitUntilQuiet(timeoutMs) {
      const head = await storeHead(options.pool);
      if (!head) return 0;
      return pollUntil(groupsReached([READ_MODEL_CONSUMER_GROUP, CALENDAR_VIEWS_CONSUMER_GROUP, NOTIFIER_CONSUMER_GROUP], head), {
        timeoutMs, what: 'the in-process consumers catching up with the store',
      });
    },
    async backlog() {
      const out: Record<string, number> = {};
      for (const [group, at] of await checkpoints()) out[group] = await eventsAfter(options.pool, at);
      return out;
    },
    async stop() {
      await visibility.close();
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
