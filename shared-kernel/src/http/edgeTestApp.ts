import { Router } from 'express';
import pino from 'pino';
import { jwtTokenService, requireUser } from './auth';
import { jsonRoutes } from './jsonRoutes';
import type { ReadyHook } from './readiness';
import { serviceApp, type ServiceAppOptions } from './serviceApp';

/** A service app with one hot route (POST /echo), one Express route behind a token (GET /things) and one public (GET /open), for the edge tests. */
export function edgeTestApp(options: { corsOrigins?: string[]; opsToken?: string; ready?: ReadyHook } = {}) {
  const tokens = jwtTokenService('a-secret-long-enough-for-the-edge-tests', 3600, () => new Date());
  const logger = pino({ level: 'silent' });
  const router = Router();
  router.get('/things', requireUser(tokens), (_req, res) => {
    res.setHeader('ETag', '"7"');
    res.json({ things: [] });
  });
  router.get('/cached', requireUser(tokens), (_req, res) => {
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ cached: true });
  });
  router.get('/open', (_req, res) => {
    res.json({ open: true });
  });
  const appOptions: ServiceAppOptions = {
    logger,
    tokens,
    routers: [router],
    routeDocs: [],
    jsonRoutes: jsonRoutes([{ method: 'POST', path: '/echo', handle: async (r) => ({ body: { got: r.input } }) }], { tokens, logger }),
    ready: options.ready ?? (async () => undefined),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.opsToken ? { opsToken: options.opsToken } : {}),
  };
  return { app: serviceApp(appOptions), bearer: `Bearer ${tokens.issue('user-1', new Date()).token}` };
}
