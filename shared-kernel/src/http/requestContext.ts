import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      log: Logger;
      correlationId: string;
      /** Set by `requireUser` from the bearer token; never taken from the body. */
      userID?: string;
    }
  }
}

/** A child logger and a correlation id per request (taken from `X-Correlation-Id` when sent). */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const sent = req.headers['x-correlation-id'];
    req.correlationId = typeof sent === 'string' && /^[\w.-]{1,100}$/.test(sent) ? sent : randomUUID();
    req.log = logger.child({ correlationId: req.correlationId });
    res.setHeader('X-Correlation-Id', req.correlationId);
    next();
  };
}
