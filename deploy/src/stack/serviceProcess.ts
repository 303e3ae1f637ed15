import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * Waits for `/readyz` to answer 200. If it does not in time, the error says what was last seen (refused,
 * or the status and body) and what the process was doing: its Node diagnostic report (asked for with
 * SIGUSR2, see `--report-on-signal`) gives the JavaScript stack and the sockets and timers it holds, so a
 * start that hangs once in many CI runs can be read from that run's output alone.
 */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number, name: string, reportDir: string): Promise<void> {
  let lastSeen = 'no answer yet';
  try {
    await pollUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
      // Not listening yet is not an answer.
      const response = await fetch(`${url}/readyz`).catch((error: unknown) => {
        lastSeen = `no connection (${(error as { cause?: { code?: string; message?: string } }).cause?.code ?? (error as { cause?: { message?: string } }).cause?.message ?? String(error)})`;
        return undefined;
      });
      if (response && response.status !== 200) lastSeen = `status ${response.status}: ${(await response.text().catch(() => '')).slice(0, 300)}`;
      return response?.status === 200;
    }, { timeoutMs, pollMs: 100, what: () => `${name} getting ready (last seen: ${lastSeen})` });
  } catch (error) {
    if (child.exitCode !== null || child.signalCode !== null) throw error;
    throw new Error(`${(error as Error).message}\n${await diagnosticReport(child, reportDir)}`);
  }
}

/** The stuck child's JavaScript stack and the handles it holds, from the report it writes on SIGUSR2. */
async function diagnosticReport(child: ChildProcess, reportDir: string): Promise<string> {
  const reportOf = () => readdirSync(reportDir).find((file) => file.startsWith('report.') && file.includes(`.${child.pid}.`) && file.endsWith('.json'));
  child.kill('SIGUSR2');
  try {
    await pollUntil(() => reportOf() !== undefined, { timeoutMs: 10_000, pollMs: 100, what: 'a diagnostic report' });
    const file = join(reportDir, reportOf() as string);
    // The report is written in one go, but may be seen before it is complete: read until it parses.
    type Handle = { type: string; is_active?: boolean; remoteEndpoint?: unknown; localEndpoint?: unknown; firesInMsFromNow?: number };
    let report: { javascriptStack?: { message?: string; stack?: string[] }; libuv?: Handle[] } = {};
    await pollUntil(() => {
      try {
        report = JSON.parse(readFileSync(file, 'utf8'));
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 5_000, pollMs: 100, what: 'a complete diagnostic report' });
    const stack = [report.javascriptStack?.message, ...(report.javascriptStack?.stack ?? [])].filter(Boolean).join('\n  ') || '(none: the loop was idle, waiting on what follows)';
    // The loop's own handles (async, check, prepare, signal, loop) say nothing of what the start waits on.
    const described = (h: Handle) =>
      h.remoteEndpoint ? ` → ${JSON.stringify(h.remoteEndpoint)}` : h.localEndpoint ? ` on ${JSON.stringify(h.localEndpoint)}` : h.firesInMsFromNow !== undefined ? ` in ${h.firesInMsFromNow} ms` : '';
    const handles = (report.libuv ?? []).filter((h) => h.is_active && !['async', 'check', 'prepare', 'idle', 'signal', 'loop'].includes(h.type)).map((h) => `${h.type}${described(h)}`);
    return `report ${file}\nJavaScript stack:\n  ${stack}\nactive handles:\n  ${handles.join('\n  ')}`;
  } catch (error) {
    return `no diagnostic report: ${(error as Error).message}`;
  }
}

/**
 * One service of the production profile as its own Node process: a compiled service's .js file (see
 * compiledServices.ts), or a main.ts run through tsx.
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
      // A report on SIGUSR2 (never sent but by waitReady) describes a start that hangs. A compiled service
      // (compiledServices.ts) runs as it is, its stacks mapped to the TypeScript; a .ts entry through tsx.
      const run = options.entry.endsWith('.js') ? ['--enable-source-maps', options.entry] : ['--import', 'tsx', options.entry];
      child = spawn(process.execPath, ['--report-on-signal', `--report-directory=${options.logDir}`, ...(options.nodeArgs ?? []), ...run], {
        env: { ...process.env, ...options.env, PORT: String(options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      await waitReady(url, child, options.readyTimeoutMs ?? 60_000, options.name, options.logDir);
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
