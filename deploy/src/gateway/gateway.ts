import http from 'node:http';
import type { Duplex } from 'node:stream';
import { applySecurityHeaders, corsPolicy, isOperator, SECURITY_HEADERS } from '@datebook/shared-kernel/http';
import type { Logger } from 'pino';
import { endToEndHeaders } from './hopByHopHeaders';
import { type OriginFormTarget, originFormTarget } from './requestTarget';
import { type Upstream, upstreamFor } from './routeTable';
import { type UpstreamPool, upstreamPool } from './upstreamPool';

export interface GatewayOptions {
  /**
   * Each service's origin (`http://host:port`), or the origins of its replicas, which requests take in turn;
   * only their scheme, host and port are used.
   */
  upstreams: Record<Upstream, string | readonly string[]>;
  logger: Logger;
  /** The operators' token (config `OPS_TOKEN`): shows readiness details, and is passed to the services' /readyz. */
  opsToken?: string;
  /** Origins whose pages may call the API (config `CORS_ORIGINS`); none by default. */
  corsOrigins?: readonly string[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function fetchJson(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 2000, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 502, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, type = status >= 400 && status !== 503 ? 'application/problem+json' : 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res: http.ServerResponse, status: number, code: string, detail: string): void {
  const title = code.toLowerCase().replaceAll('_', ' ');
  sendJson(res, status, { type: `https://datebook.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`, title: title.charAt(0).toUpperCase() + title.slice(1), status, code, detail }, 'application/problem+json');
}

const invalidTargetDetail = 'the request target must be a path of this API (origin-form, RFC 9112 §3.2.1); it may not name a host';

type Readiness = Record<string, unknown> & { status: 'ready' | 'degraded' | 'not ready' };

/** One replica's readiness: its status and, for operators, what it reported; unreachable counts as not ready. */
async function readinessOf(origin: URL, headers: http.OutgoingHttpHeaders): Promise<Readiness> {
  try {
    const { status, body } = await fetchJson(new URL('/readyz', origin).toString(), headers);
    const reported = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    return { ...reported, status: status !== 200 ? 'not ready' : reported.status === 'degraded' ? 'degraded' : 'ready' };
  } catch (error) {
    return { status: 'not ready', reason: `not answering: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Each service's readiness. A service of several replicas is ready when all are, degraded while some are
 * not (the others serve), and not ready when none is; operators see each replica's report.
 */
async function readinessOfUpstreams(pools: Record<Upstream, UpstreamPool>, opsToken: string | undefined) {
  // The operators' token is sent to the services only; it never leaves to anywhere a request names.
  const headers = opsToken ? { authorization: `Bearer ${opsToken}` } : {};
  return Promise.all(
    (Object.entries(pools) as [Upstream, UpstreamPool][]).map(async ([name, pool]) => {
      const replicas = await Promise.all(pool.origins.map((origin) => readinessOf(origin, headers)));
      if (replicas.length === 1) return [name, replicas[0] as Readiness] as const;
      const ready = replicas.filter((r) => r.status !== 'not ready');
      const status = ready.length === 0 ? 'not ready' : ready.length === replicas.length && ready.every((r) => r.status === 'ready') ? 'ready' : 'degraded';
      return [name, { status, replicas: replicas.map((r, i) => ({ origin: pool.origins[i]?.origin, ...r })) } as Readiness] as const;
    }),
  );
}

/**
 * The production profile's single entry point: routes each request of the API to its service and streams
 * the answer back (Server-Sent Events included). Only origin-form paths of the API's resources are
 * forwarded, always to the configured upstream origin, so the gateway is never a proxy to anywhere else.
 * Health is its own; readiness and the OpenAPI document are those of every service behind it.
 */
export function gateway(options: GatewayOptions): http.Server {
  const { upstreams, logger } = options;
  const poolOf = (bases: string | readonly string[]) => upstreamPool(typeof bases === 'string' ? [bases] : bases);
  const pools: Record<Upstream, UpstreamPool> = { command: poolOf(upstreams.command), query: poolOf(upstreams.query), notifier: poolOf(upstreams.notifier) };
  const cors = corsPolicy(options.corsOrigins ?? []);
  const server = http.createServer(async (req, res) => {
    applySecurityHeaders(res);
    const target = originFormTarget(req.url);
    if (!target) return problem(res, 400, 'INVALID_REQUEST_TARGET', invalidTargetDetail);
    if (cors.preflight(req, res)) return;
    cors.decorate(req, res);
    if (req.method === 'GET' && target.path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && target.path === '/readyz') {
      const services = await readinessOfUpstreams(pools, options.opsToken);
      const states = services.map(([, s]) => s.status);
      const status = states.includes('not ready') ? 'not ready' : states.includes('degraded') ? 'degraded' : 'ready';
      const operator = isOperator(req.headers.authorization, options.opsToken);
      return sendJson(res, status === 'not ready' ? 503 : 200, operator ? { status, services: Object.fromEntries(services) } : { status });
    }
    if (req.method === 'GET' && target.path === '/openapi.json') {
      try {
        const documents = await Promise.all(Object.values(pools).map((pool) => openApiOf(pool)));
        const [first] = documents;
        const paths: Record<string, Record<string, unknown>> = {};
        for (const doc of documents) for (const [path, methods] of Object.entries(doc.paths)) paths[path] = { ...paths[path], ...methods };
        return sendJson(res, 200, { ...first, paths });
      } catch (error) {
        logger.warn({ err: error }, 'could not assemble the OpenAPI document');
        return sendJson(res, 503, { status: 503, code: 'NOT_READY', title: 'Not ready', detail: 'a service behind the gateway is not answering' });
      }
    }
    const upstream = upstreamFor(req.method ?? 'GET', target.path);
    if (!upstream) return problem(res, 404, 'ROUTE_NOT_FOUND', `no route ${req.method} ${target.path}`);
    forward(req, res, pools[upstream], target, logger);
  });
  // CONNECT (authority-form) would open a tunnel to whatever host it names: refused, never tunnelled.
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => refuseOnSocket(socket));
  return server;
}

/** The service's OpenAPI document from the first of its replicas that answers. */
async function openApiOf(pool: UpstreamPool): Promise<{ paths: Record<string, Record<string, unknown>> }> {
  let failure: unknown;
  for (const origin of pool.order()) {
    try {
      return (await fetchJson(new URL('/openapi.json', origin).toString())).body as { paths: Record<string, Record<string, unknown>> };
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

// Methods a client may repeat without changing anything (RFC 9110 §9.2.1) that carry no body here.
const REPEATABLE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Streams the request to a replica of its service and the answer back, without the hop-by-hop fields of
 * either. Replicas are taken in turn; one that refuses the connection is marked down and the next one
 * gets the request, which cannot have reached the first (its body is sent only once connected). A GET,
 * HEAD or OPTIONS may go to the next replica on any failure before an answer, since repeating it changes
 * nothing; any other request that may have reached a replica is answered 503, never sent twice.
 */
function forward(req: http.IncomingMessage, res: http.ServerResponse, pool: UpstreamPool, target: OriginFormTarget, logger: Logger): void {
  const replicas = pool.order();
  const repeatable = REPEATABLE.has(req.method ?? '') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  let current: http.ClientRequest | undefined;
  const attempt = (n: number) => {
    const origin = replicas[n] as URL;
    // The edge: the client's own address replaces whatever X-Forwarded-For it sent (per-client sign-in limits use it).
    const headers = { ...endToEndHeaders(req.headers), host: origin.host, 'x-forwarded-for': req.socket.remoteAddress ?? 'unknown' };
    let connected = false;
    const upstream = http.request(
      { protocol: origin.protocol, hostname: origin.hostname, port: origin.port, path: target.path + target.query, method: req.method, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, edgeOwned(res, endToEndHeaders(answer.headers)));
        answer.pipe(res);
      },
    );
    current = upstream;
    upstream.on('socket', (socket) => {
      const send = () => {
        connected = true;
        if (repeatable) upstream.end();
        else req.pipe(upstream);
      };
      if (socket.connecting) socket.once('connect', send);
      else send();
    });
    upstream.on('error', (error) => {
      if (!connected) pool.markDown(origin);
      if (!res.headersSent && n + 1 < replicas.length && (!connected || repeatable)) {
        logger.info({ err: error, upstream: origin.origin, path: target.path }, 'replica failed; trying the next');
        return attempt(n + 1);
      }
      logger.warn({ err: error, upstream: origin.origin, path: target.path }, 'upstream failed');
      if (!res.headersSent) {
        sendJson(res, 503, { type: 'https://datebook.dev/problems/upstream-unavailable', title: 'Upstream unavailable', status: 503, code: 'UPSTREAM_UNAVAILABLE', detail: 'the service for this request is not answering; retry shortly' });
      } else {
        res.destroy();
      }
    });
  };
  attempt(0);
  // A client that goes away (an SSE stream closed) ends the upstream request too.
  res.on('close', () => current?.destroy());
}

const securityHeaderNames = new Set(Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase()));

/**
 * A service's answer headers under the gateway's edge: its security and CORS headers are the gateway's
 * (already set on `res`), `Vary` is the union of both, and its own Cache-Control (intended caching) stays.
 */
function edgeOwned(res: http.ServerResponse, headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (securityHeaderNames.has(name) || name.startsWith('access-control-')) continue;
    if (name === 'vary') {
      const fields = new Set([String(res.getHeader('vary') ?? ''), String(value)].join(',').split(',').map((f) => f.trim()).filter(Boolean));
      kept.vary = [...fields].join(', ');
    } else kept[name] = value;
  }
  return kept;
}

/** A 400 problem written straight on a socket that left HTTP (CONNECT), then closed. */
function refuseOnSocket(socket: Duplex): void {
  const body = JSON.stringify({ type: 'https://datebook.dev/problems/invalid-request-target', title: 'Invalid request target', status: 400, code: 'INVALID_REQUEST_TARGET', detail: invalidTargetDetail });
  const head = [
    'HTTP/1.1 400 Bad Request',
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'Cache-Control: no-store',
    'Connection: close',
  ];
  socket.on('error', () => undefined);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
