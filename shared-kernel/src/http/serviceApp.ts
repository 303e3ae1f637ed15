import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { openApiDocument, type RouteDoc } from './openApi';
import { notFoundHandler, problemDetailsHandler, requireJsonBody } from './problemDetails';
import { requestContext } from './requestContext';

export interface ServiceAppOptions {
  logger: Logger;
  routers: Router[];
  routeDocs: RouteDoc[];
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
  app.use(requestContext(options.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
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
