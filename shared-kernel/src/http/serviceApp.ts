import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { openApiDocument, type RouteDoc } from './openApi';
import { notFoundHandler, problemDetailsHandler, requireJsonBody } from './problemDetails';
import { requestContext } from './requestContext';

export interface ServiceAppOptions {
  logger: Logger;
  routers: Router[];
  routeDocs: RouteDoc[];
  /** The hot endpoints that serve themselves ahead of the Express stack (`jsonRoutes`); documented in `routeDocs`. */
  jsonRoutes?: RequestHandler;
  /** Resolves when the service's stores answer and its background work runs; rejects with the reason. */
  ready(): Promise<void>;
}

/**
 * An HTTP app with the edge every service shares: JSON bodies up to 1 MB, a logger per request,
 * health and readiness, the OpenAPI document, and RFC 9457 errors. Builds; never listens.
 */
export function serviceApp(options: ServiceAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Liveness is polled often and proves only that the process answers: on Node's response, as the hot routes.
  app.use(liveness);
  if (options.jsonRoutes) app.use(options.jsonRoutes);
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
  return app;
}

const healthDocs: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', authenticated: false, responses: { 200: { description: 'The process answers' } } },
  { method: 'get', path: '/readyz', summary: 'Readiness: stores answer and projections run', authenticated: false, responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } },
  { method: 'get', path: '/openapi.json', summary: 'This document', authenticated: false, responses: { 200: { description: 'OpenAPI 3.1' } } },
];

const LIVE = JSON.stringify({ status: 'ok' });

const liveness: RequestHandler = (req, res, next) => {
  if (req.url !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(LIVE));
  res.end(req.method === 'HEAD' ? undefined : LIVE);
};
