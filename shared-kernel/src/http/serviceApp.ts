import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { apiReference } from './apiReference';
import type { TokenService } from './auth';
import { authenticateBeforeBody } from './authenticateBeforeBody';
import { corsPolicy } from './cors';
import { sendJson } from './jsonRoutes';
import { openApiDocument, type RouteDoc } from './openApi';
import { isOperator } from './operatorToken';
import { notFoundHandler, problemDetailsHandler, requireJsonBody } from './problemDetails';
import { checkReadiness, readinessBody, type ReadyHook } from './readiness';
import { requestContext } from './requestContext';
import { applySecurityHeaders } from './securityHeaders';

export interface ServiceAppOptions {
  logger: Logger;
  routers: Router[];
  routeDocs: RouteDoc[];
  /** The hot endpoints that serve themselves ahead of the Express stack (`jsonRoutes`); documented in `routeDocs`. */
  jsonRoutes?: HotRoutes;
  /**
   * Resolves when the service's stores answer and its background work runs (to a report with `degraded`
   * entries when it serves but something is wrong, see `ReadinessReport`); rejects with the reason.
   */
  ready: ReadyHook;
  /** The operators' token (config `OPS_TOKEN`): only a request bearing it sees readiness reasons and details. */
  opsToken?: string;
  /** Origins whose pages may call the API (config `CORS_ORIGINS`); none by default. */
  corsOrigins?: readonly string[];
  /** Verifies bearer tokens of documented authenticated routes before their bodies are read (see `authenticateBeforeBody`). */
  tokens?: TokenService;
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
    const readiness = await checkReadiness(options.ready);
    if (readiness.status === 'not ready') req.log.warn({ reason: readiness.reason }, 'not ready');
    res.status(readiness.httpStatus).json(readinessBody(readiness, isOperator(req.headers.authorization, options.opsToken)));
  });
  const document = openApiDocument({ title: 'Datebook API', version: '0.1.0' }, [...healthDocs, ...options.routeDocs]);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(apiReference());
  // Who is asking is settled before a body is read: a stranger's (compressed) upload is never inflated.
  if (options.tokens) app.use(authenticateBeforeBody(options.tokens, options.routeDocs));
  app.use(requireJsonBody);
  // body-parser counts the limit on the inflated bytes and destroys the decompressor past it.
  app.use(express.json({ limit: '1mb', strict: true }));
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(problemDetailsHandler);
  const hot = options.jsonRoutes;
  const cors = corsPolicy(options.corsOrigins ?? []);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    applySecurityHeaders(res);
    // Preflights carry no credentials, so they are answered before anything asks for a token.
    if (cors.preflight(req, res)) return;
    cors.decorate(req, res);
    if (liveness(req, res) || hot?.(req, res)) return;
    app(req, res);
  };
  return Object.assign(handle, { listen: (port: number, host: string, listening?: () => void) => createServer(handle).listen(port, host, listening) });
}

/** What /readyz answers: the status, and with the operators' token the reasons and details as well. */
const ReadinessBody = z.object({ status: z.enum(['ready', 'degraded', 'not ready']), degraded: z.array(z.string()).optional(), reason: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() });

const healthDocs: RouteDoc[] = [
  { method: 'get', path: '/healthz', operationId: 'checkLiveness', summary: 'Liveness', authenticated: false, responses: { 200: { description: 'The process answers' } } },
  { method: 'get', path: '/readyz', operationId: 'checkReadiness', summary: 'Readiness: stores answer and projections run (reasons and details only with the operators\' token)', authenticated: false, responses: { 200: { description: 'Ready or degraded', schema: ReadinessBody }, 503: { description: 'Not ready', schema: ReadinessBody } } },
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApiDocument', summary: 'This document', authenticated: false, responses: { 200: { description: 'OpenAPI 3.1' } } },
  { method: 'get', path: '/docs', operationId: 'getApiReference', summary: 'This document as a reference page (HTML, Swagger UI)', authenticated: false, responses: { 200: { description: 'The page' } } },
];

/** Liveness is polled often and proves only that the process answers. */
const liveness: HotRoutes = (req, res) => {
  if (req.url !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  sendJson(req, res, 200, 'application/json; charset=utf-8', { status: 'ok' });
  return true;
};
