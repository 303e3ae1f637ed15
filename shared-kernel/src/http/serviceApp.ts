import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { sendJson } from './jsonRoutes';
import { openApiDocument, type RouteDoc } from './openApi';
import { notFoundHandler, problemDetailsHandler, requireJsonBody } from './problemDetails';
import { requestContext } from './requestContext';

export interface ServiceAppOptions {
  logger: Logger;
  routers: Router[];
  routeDocs: RouteDoc[];
  /** The hot endpoints that serve themselves ahead of the Express stack (`jsonRoutes`); documented in `routeDocs`. */
  jsonRoutes?: HotRoutes;
  /** Resolves when the service's stores answer and its background work runs; rejects with the reason. */
  ready(): Promise<void>;
}

/** Answers a request itself and returns true, or returns false and leaves it alone. */
export type HotRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A request listener, and a server listening with it. */
export type ServiceApp = ((req: IncomingMessage, res: ServerResponse) => void) & { listen(port: number, host: string, listening?: () => void): Server };

/**
 * An HTTP app with the edge every service shares: JSON bodies up to 1 MB, a logger per request,
 * health and readiness, the OpenAPI document, and RFC 9457 errors. Liveness and the hot routes are
 * answered first, on Node's own request and response; everything else goes through Express.
 * Builds; listens only when asked.
 */
export function serviceApp(options: ServiceAppOptions): ServiceApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(options.logger));
  app.get('/readyz', async (req, res) => {
    try {
      await options.ready();
      res.json({ status: 'ready' });
    } catch (error) {
      req.log.warn({ err: error }, 'not ready');
      res.status(503).json({ status: 'not ready', reason: error instanceof Error ? error.message : String(error) });
    }
  });
  const document = openApiDocument({ title: 'Datebook API', version: '0.1.0' }, [...healthDocs, ...options.routeDocs]);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(requireJsonBody);
  app.use(express.json({ limit: '1mb', strict: true }));
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(problemDetailsHandler);
  const hot = options.jsonRoutes;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (liveness(req, res) || hot?.(req, res)) return;
    app(req, res);
  };
  return Object.assign(handle, { listen: (port: number, host: string, listening?: () => void) => createServer(handle).listen(port, host, listening) });
}

const healthDocs: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', authenticated: false, responses: { 200: { description: 'The process answers' } } },
  { method: 'get', path: '/readyz', summary: 'Readiness: stores answer and projections run', authenticated: false, responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } },
  { method: 'get', path: '/openapi.json', summary: 'This document', authenticated: false, responses: { 200: { description: 'OpenAPI 3.1' } } },
];

/** Liveness is polled often and proves only that the process answers. */
const liveness: HotRoutes = (req, res) => {
  if (req.url !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  sendJson(req, res, 200, 'application/json; charset=utf-8', { status: 'ok' });
  return true;
};
