import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
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

/** The request's correlation id: its `X-Correlation-Id` when that is a sane token, else a new one. */
export function correlationIdOf(headers: IncomingHttpHeaders): string {
  const sent = headers['x-correlation-id'];
  return typeof sent === 'string' && /^[\w.-]{1,100}$/.test(sent) ? sent : randomUUID();
}

/** A child logger and a correlation id per request (see `correlationIdOf`). */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.correlationId = correlationIdOf(req.headers);
    req.log = logger.child({ correlationId: req.correlationId });
    res.setHeader('X-Correlation-Id', req.correlationId);
    next();
  };
}
