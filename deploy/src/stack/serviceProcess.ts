import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '@datebook/shared-kernel/testing';

export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** The running process's id (undefined before the first start): the bench reads its CPU time from /proc. */
  readonly pid: number | undefined;
  /** Starts (or starts again after `stop`/`kill`) and resolves once `/readyz` answers 200. */
  start(): Promise<void>;
  /** SIGTERM and wait: the service finishes what it holds. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for fault tests. */
  kill(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, name: string): Promise<void> {
  await pollUntil(async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    // Not listening yet is not an answer.
    return (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200;
  }, { timeoutMs, pollMs: 100, what: `${name} getting ready` });
}

/**
 * One service of the production profile as its own Node process, running its main.ts through tsx.
 * `nodeArgs` go before the entry (e.g. `--cpu-prof`, so the bench can profile one service).
 */
export function serviceProcess(options: { name: string; entry: string; port: number; env: Record<string, string>; logDir: string; readyTimeoutMs?: number; nodeArgs?: string[] }): ServiceProcess {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | undefined;
  const exited = () => new Promise<void>((resolve) => (child && child.exitCode === null && child.signalCode === null ? child.once('exit', () => resolve()) : resolve()));
  return {
    name: options.name,
    url,
    get pid() {
      return child?.pid;
    },
    async start() {
      mkdirSync(options.logDir, { recursive: true });
      const log = createWriteStream(join(options.logDir, `${options.name}.log`), { flags: 'a' });
      child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry], {
        env: { ...process.env, ...options.env, PORT: String(options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      await waitReady(url, child, options.readyTimeoutMs ?? 60_000, options.name);
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited();
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited();
    },
  };
}
