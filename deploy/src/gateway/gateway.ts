import http from 'node:http';
import type { Logger } from 'pino';
import { type Upstream, upstreamFor } from './routeTable';

export interface GatewayOptions {
  upstreams: Record<Upstream, string>;
  logger: Logger;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function fetchJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 2000 }, (res) => {
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

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': status >= 400 && status !== 503 ? 'application/problem+json' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The production profile's single entry point: routes each request to its service and streams the
 * answer back (Server-Sent Events included). Health is its own; readiness and the OpenAPI document
 * are those of every service behind it.
 */
export function gateway(options: GatewayOptions): http.Server {
  const { upstreams, logger } = options;
  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/readyz') {
      const checks = await Promise.all(
        Object.entries(upstreams).map(async ([name, base]) => {
          try {
            return [name, (await fetchJson(`${base}/readyz`)).status === 200] as const;
          } catch {
            return [name, false] as const;
          }
        }),
      );
      const down = checks.filter(([, ok]) => !ok).map(([name]) => name);
      return sendJson(res, down.length === 0 ? 200 : 503, down.length === 0 ? { status: 'ready' } : { status: 'not ready', reason: `not ready: ${down.join(', ')}` });
    }
    if (req.method === 'GET' && url.pathname === '/openapi.json') {
      try {
        const documents = await Promise.all(Object.values(upstreams).map(async (base) => (await fetchJson(`${base}/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> }));
        const [first] = documents;
        const paths: Record<string, Record<string, unknown>> = {};
        for (const doc of documents) for (const [path, methods] of Object.entries(doc.paths)) paths[path] = { ...paths[path], ...methods };
        return sendJson(res, 200, { ...first, paths });
      } catch (error) {
        logger.warn({ err: error }, 'could not assemble the OpenAPI document');
        return sendJson(res, 503, { status: 503, code: 'NOT_READY', title: 'Not ready', detail: 'a service behind the gateway is not answering' });
      }
    }

    const target = new URL(req.url ?? '/', upstreams[upstreamFor(req.method ?? 'GET', url.pathname)]);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      logger.warn({ err: error, path: url.pathname }, 'upstream failed');
      if (!res.headersSent) {
        sendJson(res, 503, { type: 'https://datebook.dev/problems/upstream-unavailable', title: 'Upstream unavailable', status: 503, code: 'UPSTREAM_UNAVAILABLE', detail: 'the service for this request is not answering; retry shortly' });
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
    // A client that goes away (an SSE stream closed) ends the upstream request too.
    res.on('close', () => upstream.destroy());
  });
}
