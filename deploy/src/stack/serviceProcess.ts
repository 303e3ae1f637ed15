import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { basename, join } from 'node:path';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { markUsed } from './compiledServices';

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

/** How long one `/readyz` request may take: a hook that hangs (a pool with no free connection) is an answer too. */
const READYZ_REQUEST_MS = 2_000;

/**
 * Waits for `/readyz` to answer 200. If it does not in time, the error says what was last seen (refused, no
 * answer, or the status and body) and what the process holds: the sockets and timers listed in its Node
 * diagnostic report (asked for with SIGUSR2, see `--report-on-signal`; written by the process's own loop, so no
 * report means the loop is blocked). A start that hangs once in many CI runs can be read from that run's output.
 */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number, name: string, reportFile: string, opsToken: string | undefined): Promise<void> {
  let lastSeen = 'no answer yet';
  try {
    await pollUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
      // Not listening yet is not an answer. With the operators' token, a 503 carries its reasons.
      const answer = await readyzAnswer(`${url}/readyz`, opsToken).catch((error: Error & { code?: string }) => {
        lastSeen = error.code === 'TIMEOUT' ? `no answer within ${READYZ_REQUEST_MS} ms` : `no connection (${error.code ?? error.message})`;
        return undefined;
      });
      if (answer && answer.status !== 200) lastSeen = `status ${answer.status}: ${answer.body.slice(0, 300)}`;
      return answer?.status === 200;
    }, { timeoutMs, pollMs: 100, what: () => `${name} getting ready (last seen: ${lastSeen})` });
  } catch (error) {
    if (child.exitCode !== null || child.signalCode !== null) throw error;
    throw new Error(`${(error as Error).message}\n${await heldHandles(child, reportFile)}`);
  }
}

/**
 * One `/readyz` request, bounded by READYZ_REQUEST_MS. Through node:http, not fetch: fetch refuses the ports the
 * Fetch standard blocks (5060 and 5061 among them, "bad port"), and a stack laid out from a base port can put a
 * service on one; the scale-out test's replicas did, once in 40 runs, and never got ready.
 */
function readyzAnswer(url: string, opsToken: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: opsToken ? { Authorization: `Bearer ${opsToken}` } : {}, timeout: READYZ_REQUEST_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 1000) body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', reject);
  });
}

type Handle = { type: string; is_active?: boolean; remoteEndpoint?: unknown; localEndpoint?: unknown; firesInMsFromNow?: number };

/**
 * The sockets and timers the stuck child holds, from the report it writes on SIGUSR2. The report is removed
 * once read: it lists the process's environment, secrets included. (Its JavaScript stack is left out: the
 * report is written from a signal handler on the loop, so that stack is only the handler's own.)
 */
async function heldHandles(child: ChildProcess, reportFile: string): Promise<string> {
  if (!child.kill('SIGUSR2')) return 'no diagnostic report: the process is gone';
  let report: { libuv?: Handle[] } | undefined;
  try {
    // Written in one go, but may be seen before it is complete: read until it parses.
    await pollUntil(() => {
      if (child.exitCode !== null || child.signalCode !== null) return true;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8'));
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 10_000, pollMs: 100, what: 'a diagnostic report' });
  } catch {
    return 'no diagnostic report within 10 s: its event loop is blocked (synchronous work, or a wait that holds the thread)';
  } finally {
    rmSync(reportFile, { force: true });
  }
  if (!report) return `no diagnostic report: the process exited (${child.exitCode ?? child.signalCode})`;
  // The loop's own handles (async, check, prepare, signal, loop) say nothing of what the start waits on.
  const described = (h: Handle) =>
    h.remoteEndpoint ? ` → ${JSON.stringify(h.remoteEndpoint)}` : h.localEndpoint ? ` on ${JSON.stringify(h.localEndpoint)}` : h.firesInMsFromNow !== undefined ? ` in ${h.firesInMsFromNow} ms` : '';
  const handles = (report.libuv ?? []).filter((h) => h.is_active && !['async', 'check', 'prepare', 'idle', 'signal', 'loop'].includes(h.type)).map((h) => `${h.type}${described(h)}`);
  return `active handles (its diagnostic report):\n  ${handles.join('\n  ') || '(none)'}`;
}

/**
 * One service of the production profile as its own Node process: a compiled service's .js file (see
 * compiledServices.ts), or a main.ts run through tsx.
 * `nodeArgs` go before the entry (e.g. `--cpu-prof`, so the bench can profile one service). The service's own
 * OPS_TOKEN (from `env`, else inherited) is sent to `/readyz`, so a start that fails says why.
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
      // A report on SIGUSR2 (never sent but by waitReady) describes a start that hangs; named per start, so an
      // old one is never taken for it. A compiled service (compiledServices.ts) runs as it is, its stacks mapped
      // to the TypeScript (and its file marked as used, see there); a .ts entry runs through tsx.
      const reportFile = join(options.logDir, `report-${options.name}-${randomUUID()}.json`);
      const compiled = options.entry.endsWith('.js');
      if (compiled) markUsed(options.entry);
      const run = compiled ? ['--enable-source-maps', options.entry] : ['--import', 'tsx', options.entry];
      child = spawn(process.execPath, ['--report-on-signal', `--report-directory=${options.logDir}`, `--report-filename=${basename(reportFile)}`, ...(options.nodeArgs ?? []), ...run], {
        env: { ...process.env, ...options.env, PORT: String(options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      await waitReady(url, child, options.readyTimeoutMs ?? 60_000, options.name, reportFile, options.env.OPS_TOKEN ?? process.env.OPS_TOKEN);
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
