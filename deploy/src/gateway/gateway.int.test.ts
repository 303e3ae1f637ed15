import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { type ReadinessReport, serviceApp } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import pino from 'pino';
import { gateway } from './gateway';
import type { Upstream } from './routeTable';

const logger = pino({ level: 'silent' });
const opsToken = 'the-operators-token-at-least-32-characters';
const allowedOrigin = 'https://app.example.com';

interface Seen {
  upstream: Upstream;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
const readiness: Record<Upstream, () => Promise<void | ReadinessReport>> = { command: async () => undefined, query: async () => undefined, notifier: async () => undefined };
const servers: net.Server[] = [];
let gatewayPort: number;
let forbiddenPort: number;
let forbiddenConnections = 0;

/** A real service app standing for one upstream: it records what reaches it and answers with hop-by-hop fields of its own. */
function upstreamApp(upstream: Upstream) {
  const router = Router();
  router.all('/*path', (req, res) => {
    // The service's own stack has parsed the JSON body already.
    seen.push({ upstream, method: req.method, url: req.originalUrl, headers: req.headers, body: req.body === undefined ? '' : JSON.stringify(req.body) });
    res.setHeader('Connection', 'X-Upstream-Hop');
    res.setHeader('X-Upstream-Hop', 'for the gateway only');
    res.setHeader('Keep-Alive', 'timeout=5');
    res.setHeader('ETag', '"3"');
    res.json({ upstream });
  });
  return serviceApp({ logger, routers: [router], routeDocs: [], opsToken, ready: () => readiness[upstream]() });
}

async function listening(server: net.Server, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // Another listener on another loopback address: anything the gateway sent it would be an open proxy at work.
  const forbidden = http.createServer((_req, res) => res.end('internal secret'));
  forbidden.on('connection', () => forbiddenConnections++);
  forbiddenPort = await listening(forbidden, '127.0.0.2');
  const upstreams = {} as Record<Upstream, string>;
  for (const name of ['command', 'query', 'notifier'] as const) {
    const app = upstreamApp(name);
    const server = http.createServer(app);
    upstreams[name] = `http://127.0.0.1:${await listening(server)}`;
  }
  gatewayPort = await listening(gateway({ upstreams, logger, opsToken, corsOrigins: [allowedOrigin] }));
});

afterAll(async () => {
  for (const server of servers) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

beforeEach(() => {
  seen.length = 0;
  for (const name of ['command', 'query', 'notifier'] as const) readiness[name] = async () => undefined;
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends a request exactly as written (no client normalises its target) and reads the answer until the gateway closes. */
async function raw(requestLine: string, headers: string[] = [], body = ''): Promise<RawAnswer> {
  const socket = net.connect(gatewayPort, '127.0.0.1');
  await once(socket, 'connect');
  const lengthHeader = body ? [`Content-Length: ${Buffer.byteLength(body)}`, 'Content-Type: application/json'] : [];
  const connection = headers.some((h) => /^connection:/i.test(h)) ? [] : ['Connection: close'];
  // Written, not ended: a client that half-closes has its in-flight request aborted by Node. `Connection: close` ends it.
  socket.write([requestLine, `Host: 127.0.0.1:${gatewayPort}`, ...connection, ...lengthHeader, ...headers, '', body].join('\r\n'));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...fields] = head.split('\r\n');
  const parsed: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    parsed[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers: parsed, body: rest.join('\r\n\r\n') };
}

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('the gateway forwards only paths of the API, to its own upstreams', () => {
  const elsewhere = () => `127.0.0.2:${forbiddenPort}`;
  it.each([
    ['a network-path reference', () => `GET //${elsewhere()}/events HTTP/1.1`, ''],
    ['a network-path reference, POST', () => `POST //${elsewhere()}/events HTTP/1.1`, '{"title":"x"}'],
    ['absolute-form', () => `GET http://${elsewhere()}/events HTTP/1.1`, ''],
    ['absolute-form, POST', () => `POST http://${elsewhere()}/events HTTP/1.1`, '{"title":"x"}'],
    ['a backslash after the slash', () => `GET /\\${elsewhere()}/events HTTP/1.1`, ''],
    ['a backslash after the slash, POST', () => `POST /\\${elsewhere()}/events HTTP/1.1`, '{"title":"x"}'],
    ['authority-form (CONNECT)', () => `CONNECT ${elsewhere()} HTTP/1.1`, ''],
    ['asterisk-form', () => 'OPTIONS * HTTP/1.1', ''],
    ['dot segments', () => 'GET /events/../../readyz HTTP/1.1', ''],
    ['encoded dot segments', () => 'GET /events/%2e%2E/users HTTP/1.1', ''],
  ])('refuses %s with 400 INVALID_REQUEST_TARGET, reaching nothing', async (_name, line, body) => {
    const answer = await raw(line(), [], body);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'INVALID_REQUEST_TARGET' });
    expectSecurityHeaders(answer.headers);
    expect(seen).toEqual([]);
    expect(forbiddenConnections).toBe(0);
  });

  it('answers 404 itself for a path outside the API, reaching no service', async () => {
    const answer = await raw(`GET /%2F${elsewhere()}/events HTTP/1.1`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).code).toBe('ROUTE_NOT_FOUND');
    expect(seen).toEqual([]);
    expect(forbiddenConnections).toBe(0);
  });

  it('forwards an origin-form request with its query and body, without hop-by-hop fields either way', async () => {
    const answer = await raw('POST /events?dryRun=1 HTTP/1.1', ['Connection: close, X-Client-Hop', 'X-Client-Hop: for the gateway only', 'Keep-Alive: timeout=9', 'TE: trailers', 'Proxy-Authorization: Basic eA==', 'Proxy-Connection: keep-alive', 'X-End-To-End: kept'], '{"title":"Planning"}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ upstream: 'command' });
    const [received] = seen;
    expect(received).toMatchObject({ upstream: 'command', method: 'POST', url: '/events?dryRun=1', body: '{"title":"Planning"}' });
    for (const name of ['x-client-hop', 'keep-alive', 'te', 'proxy-authorization', 'proxy-connection']) expect(received?.headers[name]).toBeUndefined();
    expect(received?.headers['x-end-to-end']).toBe('kept');
    expect(received?.headers.host).not.toContain(String(gatewayPort));
    // The service's own hop-by-hop fields stay between it and the gateway.
    expect(answer.headers['x-upstream-hop']).toBeUndefined();
    expect(answer.headers['keep-alive']).toBeUndefined();
    expect(answer.headers.etag).toBe('"3"');
    expectSecurityHeaders(answer.headers);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('routes reads to the query API and devices to the notifier', async () => {
    await raw('GET /events?view=WEEKLY&date=2030-06-04 HTTP/1.1');
    await raw('GET /devices HTTP/1.1');
    expect(seen.map((s) => [s.upstream, s.url])).toEqual([['query', '/events?view=WEEKLY&date=2030-06-04'], ['notifier', '/devices']]);
  });
});

describe('the gateway edge: security headers and CORS', () => {
  it('puts the security headers on its own answers', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}${path}`);
      expect(res.status).toBe(200);
      expectSecurityHeaders(Object.fromEntries(res.headers));
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers a preflight itself, before any service or token', async () => {
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/events`, { method: 'OPTIONS', headers: { Origin: allowedOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(seen).toEqual([]);
  });

  it('lets an allowed origin read a forwarded answer (once), and gives another origin no CORS headers', async () => {
    const allowed = await fetch(`http://127.0.0.1:${gatewayPort}/events`, { headers: { Origin: allowedOrigin } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Consistency-Token');
    const other = await fetch(`http://127.0.0.1:${gatewayPort}/events`, { headers: { Origin: 'https://evil.example.net' } });
    expect([...other.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('the gateway /readyz: every service, reasons for operators only', () => {
  const readyz = async (authorization?: string) => {
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/readyz`, authorization ? { headers: { Authorization: authorization } } : {});
    return { status: res.status, body: (await res.json()) as { status: string; services: Record<Upstream, { status: string; reason?: string }> } };
  };

  it('is ready when every service is', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await readyz(`Bearer ${opsToken}`)).toEqual({ status: 200, body: { status: 'ready', services: { command: { status: 'ready' }, query: { status: 'ready' }, notifier: { status: 'ready' } } } });
  });

  it('is degraded (200) when a service is, with what it reported shown to operators', async () => {
    readiness.query = async () => ({ degraded: ['1 event parked'], details: { parked: 1 } });
    expect(await readyz()).toEqual({ status: 200, body: { status: 'degraded' } });
    expect(await readyz('Bearer not-the-operators-token')).toEqual({ status: 200, body: { status: 'degraded' } });
    const ops = await readyz(`Bearer ${opsToken}`);
    expect(ops.status).toBe(200);
    expect(ops.body).toEqual({ status: 'degraded', services: { command: { status: 'ready' }, query: { status: 'degraded', degraded: ['1 event parked'], details: { parked: 1 } }, notifier: { status: 'ready' } } });
  });

  it('is not ready (503) when a service is not, the reason shown to operators only', async () => {
    readiness.query = async () => ({ degraded: ['1 event parked'] });
    readiness.notifier = async () => {
      throw new Error('the notifier is not running');
    };
    expect(await readyz()).toEqual({ status: 503, body: { status: 'not ready' } });
    const ops = await readyz(`Bearer ${opsToken}`);
    expect(ops.status).toBe(503);
    expect(ops.body.services.notifier).toEqual({ status: 'not ready', reason: 'the notifier is not running' });
    expect(ops.body.services.query.status).toBe('degraded');
  });
});
