import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Histogram, type LatencySummary } from './histogram';

/**
 * A small keep-alive HTTP load generator on node:http (autocannon is not installed, and a hand-rolled
 * one lets us time exactly what we want):
 * - closed loop (`saturate`): N connections, each sends its next request as soon as the previous
 *   answered: the throughput ceiling at that concurrency, and the latency at that throughput;
 * - open loop (`fixedRate`): requests are due at fixed instants whatever the server does, so queueing
 *   shows up in the latency instead of silently lowering the offered rate (no coordinated omission).
 * Every run is bounded by a duration and a request count and ends by itself.
 */

export interface Target {
  host: string;
  port: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'PROPFIND' | 'REPORT';
  path: string;
  headers?: Record<string, string>;
  /** JSON text; sent with content-type application/json unless `headers` name another (lower-case `content-type`). */
  body?: string;
}

export interface Response {
  status: number;
  body: Buffer | undefined;
}

export interface RunOptions {
  /** Builds the i-th request (i counts from 0 across the run). */
  request: (i: number) => RequestSpec;
  durationMs: number;
  /** Hard cap on requests sent (default: unbounded within the duration). */
  maxRequests?: number;
  /** Status codes that count as success (default 2xx). */
  ok?: (status: number) => boolean;
  /** Read the body and hand it to onResponse (otherwise it is drained unread). */
  wantBody?: boolean;
  onResponse?: (i: number, response: Response, doneAt: number) => void;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface RunResult {
  mode: 'closed' | 'open';
  durationMs: number;
  sent: number;
  completed: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  /** Successful responses per second over the run. */
  throughput: number;
  /** Open loop: from the instant each request was due (includes any wait in the generator). Closed loop: from send. */
  latency: LatencySummary;
  /** Open loop only: from the moment the request was handed to the socket layer. */
  serviceLatency?: LatencySummary;
  concurrency?: number;
  targetRate?: number;
  /** Open loop: requests not sent because too many were outstanding (the server could not keep up). */
  dropped?: number;
  firstError?: string;
}

function newAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
}

export function send(agent: http.Agent, target: Target, spec: RequestSpec, wantBody: boolean, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    const req = http.request({ host: target.host, port: target.port, method: spec.method, path: spec.path, agent, headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (!wantBody) {
        res.resume();
        res.on('end', () => resolve({ status, body: undefined }));
      } else {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
      }
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.end(spec.body);
  });
}

class Tally {
  readonly latency = new Histogram();
  readonly service = new Histogram();
  readonly statuses: Record<string, number> = {};
  completed = 0;
  ok = 0;
  errors = 0;
  firstError: string | undefined;

  record(status: number | string, good: boolean, ms: number, serviceMs?: number): void {
    this.completed += 1;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (good) {
      this.ok += 1;
      this.latency.recordMs(ms);
      if (serviceMs !== undefined) this.service.recordMs(serviceMs);
    } else {
      this.errors += 1;
    }
  }

  /** What every mode reports of a run that took `elapsedMs`. */
  summary(elapsedMs: number) {
    return {
      durationMs: Math.round(elapsedMs),
      completed: this.completed,
      ok: this.ok,
      errors: this.errors,
      statuses: this.statuses,
      throughput: Math.round((this.ok / elapsedMs) * 1000 * 10) / 10,
      latency: this.latency.summary(),
      ...(this.firstError ? { firstError: this.firstError } : {}),
    };
  }
}

const is2xx = (s: number) => s >= 200 && s < 300;

/** Closed loop: `concurrency` keep-alive connections, each with one request in flight. */
export async function saturate(target: Target, concurrency: number, options: RunOptions): Promise<RunResult> {
  const agent = newAgent(concurrency);
  const tally = new Tally();
  const ok = options.ok ?? is2xx;
  const max = options.maxRequests ?? Number.MAX_SAFE_INTEGER;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let next = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;

  const worker = async () => {
    while (performance.now() < deadline && next < max) {
      const i = next++;
      const spec = options.request(i);
      const t0 = performance.now();
      try {
        const response = await send(agent, target, spec, options.wantBody ?? false, timeoutMs);
        const t1 = performance.now();
        tally.record(response.status, ok(response.status), t1 - t0);
        if (!ok(response.status) && tally.firstError === undefined) tally.firstError = `${response.status} ${response.body?.toString().slice(0, 300) ?? ''}`;
        options.onResponse?.(i, response, t1);
      } catch (error) {
        tally.record('error', false, performance.now() - t0);
        tally.firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - start;
  agent.destroy();
  return { mode: 'closed', sent: next, concurrency, ...tally.summary(elapsed) };
}

/**
 * Open loop at `rate` requests/s. Requests become due at start + i/rate and are sent from a 1 ms tick;
 * `latency` counts from the due instant (honest under queueing), `serviceLatency` from the send.
 * At most `maxOutstanding` in flight: beyond that a due request is dropped and counted, so a server
 * that cannot keep up ends the run on time instead of piling up an unbounded backlog.
 */
export async function fixedRate(
  target: Target,
  rate: number,
  options: RunOptions & { connections?: number; maxOutstanding?: number },
): Promise<RunResult> {
  const connections = options.connections ?? 64;
  const agent = newAgent(connections);
  const tally = new Tally();
  const ok = options.ok ?? is2xx;
  const maxOutstanding = options.maxOutstanding ?? Math.max(256, rate); // ~1 s of backlog
  const timeoutMs = options.timeoutMs ?? 30_000;
  const total = Math.min(options.maxRequests ?? Number.MAX_SAFE_INTEGER, Math.floor((rate * options.durationMs) / 1000));
  const interval = 1000 / rate;
  let sent = 0;
  let outstanding = 0;
  let dropped = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    let finishedSending = false;
    const maybeDone = () => {
      if (finishedSending && outstanding === 0) resolve();
    };
    const fire = (i: number, due: number) => {
      outstanding += 1;
      const spec = options.request(i);
      const t0 = performance.now();
      send(agent, target, spec, options.wantBody ?? false, timeoutMs).then(
        (response) => {
          const t1 = performance.now();
          tally.record(response.status, ok(response.status), t1 - due, t1 - t0);
          if (!ok(response.status) && tally.firstError === undefined) tally.firstError = `${response.status} ${response.body?.toString().slice(0, 300) ?? ''}`;
          options.onResponse?.(i, response, t1);
          outstanding -= 1;
          maybeDone();
        },
        (error: unknown) => {
          tally.record('error', false, performance.now() - due);
          tally.firstError ??= String(error);
          outstanding -= 1;
          maybeDone();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / interval) + 1);
      while (sent < due) {
        const i = sent++;
        if (outstanding >= maxOutstanding) {
          dropped += 1;
          continue;
        }
        fire(i, start + i * interval);
      }
      if (sent >= total) {
        finishedSending = true;
        maybeDone();
        return;
      }
      // Sleep until the next request is due (setTimeout resolves ~1 ms; a few requests go out per tick at high rates).
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now() - 0.2));
    };
    tick();
  });
  const elapsed = performance.now() - start;
  agent.destroy();
  return { mode: 'open', sent, serviceLatency: tally.service.summary(), targetRate: rate, dropped, ...tally.summary(elapsed) };
}

/** Back-to-back requests on one keep-alive connection: latency without any queueing. */
export function sequential(target: Target, options: RunOptions): Promise<RunResult> {
  return saturate(target, 1, options);
}

/**
 * A closed loop over any operation (the ceilings: raw inserts, raw ZRANGEBYSCORE): `concurrency`
 * workers, each starting its next call as soon as the last one ended, for `durationMs`.
 */
export async function closedLoop(concurrency: number, durationMs: number, operation: (i: number) => Promise<unknown>): Promise<{ ok: number; durationMs: number; throughput: number; latency: LatencySummary }> {
  const latency = new Histogram();
  let ok = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await operation(next++);
        latency.recordMs(performance.now() - t0);
        ok += 1;
      }
    }),
  );
  const elapsed = performance.now() - start;
  return { ok, durationMs: Math.round(elapsed), throughput: Math.round((ok / elapsed) * 10_000) / 10, latency: latency.summary() };
}
