import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { ServiceTarget } from './profiles/benchSystem';

/**
 * Radicale (Debian's package `radicale`), the CalDAV server people would otherwise run, as the peer of the
 * caldav section: started from Debian's interpreter (/usr/bin/python3 -m radicale: Debian's Python packages
 * live there, whatever python3 comes first on PATH) with a config of its own in a temporary folder:
 * filesystem storage, htpasswd (plain) sign-in, loopback on a free port. Its calendar is written straight
 * into its storage folder (one .ics per event, as Radicale stores them) and indexed by the first read, which
 * the caller times: loading 10,000 events through 10,000 PUTs would measure Radicale's writes, not its reads.
 */

export const DEBIAN_PYTHON = '/usr/bin/python3';

export interface RadicaleServer extends ServiceTarget {
  /** The calendar collection holding the loaded events, e.g. /bench/calendar/. */
  collectionPath: string;
  /** HTTP Basic credentials for every request. */
  authorization: string;
  /** The href (path) of the object named `name` in the collection. */
  hrefOf(name: string): string;
  /** Radicale's own log (warnings and errors), for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on now (the kernel's pick), for a child that needs its port given. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}

/**
 * Writes `objects` (file name → one VCALENDAR each) as a calendar collection of Radicale's filesystem
 * storage (collection-root/<user>/<calendar>/, its properties in .Radicale.props) and starts Radicale on it.
 */
export async function startRadicale(options: { objects: Iterable<[string, string]>; user?: string; calendar?: string; maxConnections?: number }): Promise<RadicaleServer> {
  const user = options.user ?? 'bench';
  const calendar = options.calendar ?? 'calendar';
  const password = 'bench-radicale-password';
  const dir = mkdtempSync(join(tmpdir(), 'datebook-bench-radicale-'));
  const storage = join(dir, 'collections');
  const collectionDir = join(storage, 'collection-root', user, calendar);
  mkdirSync(collectionDir, { recursive: true });
  // Radicale's collection properties: a calendar (tag VCALENDAR) of events (RFC 4791 §5.2.3).
  writeFileSync(join(collectionDir, '.Radicale.props'), JSON.stringify({ tag: 'VCALENDAR', 'D:displayname': 'Bench', 'C:supported-calendar-component-set': 'VEVENT' }));
  let count = 0;
  for (const [name, text] of options.objects) {
    writeFileSync(join(collectionDir, name), text);
    count += 1;
  }
  if (count === 0) throw new Error('Radicale needs a calendar to serve');
  writeFileSync(join(dir, 'users'), `${user}:${password}\n`);
  const port = await freeLoopbackPort();
  writeFileSync(join(dir, 'config'), [
    '[server]',
    `hosts = 127.0.0.1:${port}`,
    // Radicale's default (8) would queue the generator's connections in front of it instead of serving them.
    `max_connections = ${options.maxConnections ?? 64}`,
    '[auth]',
    'type = htpasswd',
    `htpasswd_filename = ${join(dir, 'users')}`,
    'htpasswd_encryption = plain',
    '[rights]',
    'type = owner_only',
    '[storage]',
    'type = multifilesystem',
    `filesystem_folder = ${storage}`,
    '[web]',
    'type = none',
    '[logging]',
    'level = warning',
    '',
  ].join('\n'));

  const output: Buffer[] = [];
  const child: ChildProcess = spawn(DEBIAN_PYTHON, ['-m', 'radicale', '--config', join(dir, 'config')], {
    env: { PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk);
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const log = () => Buffer.concat(output).toString('utf8').slice(-4000);

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      await pollUntil(() => exited !== undefined, { timeoutMs: 10_000, what: 'Radicale stopping on SIGTERM' }).catch(() => child.kill('SIGKILL'));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  try {
    await pollUntil(async () => {
      if (exited !== undefined) throw new Error(`Radicale exited with ${exited}: ${log()}`);
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'OPTIONS', headers: { authorization }, signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      return res !== undefined && res.status < 500;
    }, { timeoutMs: 30_000, pollMs: 100, what: () => `Radicale answering on 127.0.0.1:${port} (${log()})` });
  } catch (error) {
    await stop();
    throw error;
  }
  const collectionPath = `/${user}/${calendar}/`;
  return {
    name: 'radicale', host: '127.0.0.1', port, pid: child.pid ?? 0,
    collectionPath, authorization, hrefOf: (name) => `${collectionPath}${encodeURIComponent(name)}`, log, stop,
  };
}

/** Times `read` (Radicale's first read of a collection parses and caches every item: its indexing). */
export async function timed<T>(read: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = performance.now();
  const result = await read();
  return { result, ms: performance.now() - t0 };
}
