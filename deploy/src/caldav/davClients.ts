import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from '../testing/testSystem';

/**
 * What the tests with real calendar clients share: Debian's client programs (deploy/scripts/dav-clients-ensure.sh
 * installs them), a way to run one, and a whole Datebook listening on a loopback port for them to talk to.
 */

/** Debian's interpreter: Debian's Python packages (python3-caldav) live there, whatever python3 comes first on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const VDIRSYNCER = '/usr/bin/vdirsyncer';
export const KHAL = '/usr/bin/khal';
export const ENSURE_SCRIPT = 'deploy/scripts/dav-clients-ensure.sh';

/** A client a test needs: the program, and for a Python library the module Debian's interpreter must import. */
export interface ClientNeed {
  program: string;
  pythonModule?: string;
}

/**
 * Why the clients cannot run here (a program missing, a module not importable), or undefined when they can.
 * The only reason a client test may skip: `npm test` on a machine without them says so instead of failing.
 */
export function missingClients(needs: ClientNeed[]): string | undefined {
  const missing: string[] = [];
  for (const need of needs) {
    try {
      accessSync(need.program, constants.X_OK);
    } catch {
      missing.push(need.program);
      continue;
    }
    if (need.pythonModule) {
      const probe = spawnSync(need.program, ['-c', `import ${need.pythonModule}`], { env: clientEnv('/tmp'), timeout: 20_000 });
      if (probe.status !== 0) missing.push(`${need.program} -c 'import ${need.pythonModule}'`);
    }
  }
  return missing.length ? `${missing.join(', ')} missing: run ${ENSURE_SCRIPT} (Debian's python3-caldav, vdirsyncer, khal)` : undefined;
}

/**
 * The environment a client runs in: only what it needs, so the machine's Python set-up (pyenv shims,
 * PYTHONPATH) cannot change which interpreter or modules it uses, and its state stays in `home`.
 */
export function clientEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: `${home}/.config`, XDG_DATA_HOME: `${home}/.local/share`, XDG_CACHE_HOME: `${home}/.cache`,
    LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC', ...extra,
  };
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client program to its end (bounded by `timeoutMs`: killed then), feeding it `input`. */
export function runClient(program: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string }): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, cwd: options.cwd ?? options.env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    // A client that never reads its input (or exits early) must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A run's output for an assertion message: what the client said when it failed. */
export const described = (run: ClientRun) => `exit ${run.code}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-8000)}`;

export type ListeningSystem = TestSystem & { baseUrl: string; close(): Promise<void> };

/** The whole single-process Datebook (as deploy's HTTP tests start it) listening on a free loopback port. */
export async function startListeningSystem(database: SqlDatabase): Promise<ListeningSystem> {
  const system = await startTestSystem(database);
  const server = system.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...system,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await system.stop();
    },
  };
}

export type Person = Awaited<ReturnType<TestSystem['signUp']>>;

/** An app password for `person` (POST /users/me/app-passwords: shown once), what a calendar app signs in with. */
export async function appPasswordFor(system: TestSystem, person: Person, name: string): Promise<string> {
  const res = await system.http().post('/users/me/app-passwords').set(person.auth).send({ name });
  if (res.status !== 201 || typeof res.body.password !== 'string') {
    throw new Error(`POST /users/me/app-passwords answered ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.password;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface DavAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** One WebDAV request (PROPFIND, REPORT, …) with an XML body, as a client sends it. */
export async function davRequest(baseUrl: string, method: string, path: string, options: { authorization: string; depth?: '0' | '1'; body?: string; headers?: Record<string, string> }): Promise<DavAnswer> {
  const headers: Record<string, string> = { authorization: options.authorization, ...options.headers };
  if (options.depth) headers.depth = options.depth;
  if (options.body !== undefined) headers['content-type'] ??= 'application/xml; charset=utf-8';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A multistatus's responses (RFC 4918 §14.16): href, getetag and sync-token where given, whatever the XML prefixes. */
export function responsesOf(multistatus: string): { href: string; etag?: string; syncToken?: string }[] {
  const element = (name: string, text: string) => new RegExp(`<(?:[\\w-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(text)?.[1]?.trim();
  const unescape = (s: string | undefined) => s?.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const out: { href: string; etag?: string; syncToken?: string }[] = [];
  for (const match of multistatus.matchAll(/<(?:[\w-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?response>/g)) {
    const body = match[1]!;
    const href = unescape(element('href', body));
    if (href === undefined) continue;
    const etag = unescape(element('getetag', body));
    const syncToken = unescape(element('sync-token', body));
    out.push({ href, ...(etag ? { etag } : {}), ...(syncToken ? { syncToken } : {}) });
  }
  return out;
}

const MEMBERS_BODY = '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:sync-token/></d:prop></d:propfind>';

/** The collection's members (href → ETag) and its sync-token, by PROPFIND Depth 1 (RFC 4918 §9.1, RFC 6578 §4). */
export async function collectionState(baseUrl: string, collectionPath: string, authorization: string): Promise<{ status: number; members: Map<string, string>; syncToken: string | undefined; text: string }> {
  const answer = await davRequest(baseUrl, 'PROPFIND', collectionPath, { authorization, depth: '1', body: MEMBERS_BODY });
  const members = new Map<string, string>();
  let syncToken: string | undefined;
  if (answer.status === 207) {
    for (const response of responsesOf(answer.text)) {
      const path = decodeURIComponent(new URL(response.href, baseUrl).pathname);
      if (path.replace(/\/$/, '') === decodeURIComponent(collectionPath).replace(/\/$/, '')) syncToken = response.syncToken;
      else if (response.etag) members.set(path, response.etag);
    }
  }
  return { status: answer.status, members, syncToken, text: answer.text };
}

/**
 * Waits (bounded) until the collection, as CalDAV serves it, satisfies `condition`: writes made through REST
 * reach the CalDAV reads through the projection, so a test waits for that instead of sleeping.
 */
export async function untilCollection(baseUrl: string, collectionPath: string, authorization: string, condition: (state: Awaited<ReturnType<typeof collectionState>>) => boolean, what: string): Promise<Awaited<ReturnType<typeof collectionState>>> {
  let last: Awaited<ReturnType<typeof collectionState>> | undefined;
  await pollUntil(async () => {
    last = await collectionState(baseUrl, collectionPath, authorization);
    return condition(last);
  }, { timeoutMs: 10_000, pollMs: 25, what: () => `${what} (last PROPFIND ${collectionPath} Depth 1: ${last?.status} ${last?.text.slice(0, 1500)})` });
  return last!;
}

/** A member path of the collection holding the event with `eventID` (its resource name carries the UID `<eventID>@datebook`). */
export const memberOf = (members: Map<string, string>, eventID: string): [string, string] | undefined => [...members].find(([path]) => path.includes(eventID));
