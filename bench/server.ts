import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Target } from './loadGenerator';

export interface ServerHandle extends Target {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Forks `serverProcess.ts` (through tsx) and waits until it listens. With `cpuProfDir` the child runs
 * under `--cpu-prof` and writes a .cpuprofile when stopped (see `profileSummary.ts`).
 */
export async function startServer(options: { databaseUrl: string; secret: string; cpuProfDir?: string }): Promise<ServerHandle> {
  const execArgv = ['--import', 'tsx'];
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  const child: ChildProcess = fork(resolve(__dirname, 'serverProcess.ts'), [], {
    execArgv,
    env: { ...process.env, BENCH_DATABASE_URL: options.databaseUrl, BENCH_JWT_SECRET: options.secret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid ?? 0,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
