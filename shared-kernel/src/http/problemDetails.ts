import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type DomainErrorCode, type FieldError } from '../errors/domainError';

const statusOf: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TIME_RANGE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_HOST: 403,
  HOST_CANNOT_RESPOND: 403,
  EVENT_NOT_FOUND: 404,
  EVENT_CANCELLED: 409,
  EVENT_ID_TAKEN: 409,
  EMAIL_TAKEN: 409,
  CONCURRENCY_CONFLICT: 409,
  VERSION_MISMATCH: 412,
  UNKNOWN_USERS: 422,
  CONSISTENCY_TIMEOUT: 503,
  SCHEDULE_CONFLICT: 409,
  SYNC_TOKEN_EXPIRED: 410,
  DEVICE_TAKEN: 409,
  TOO_MANY_STREAMS: 429,
  SERVER_BUSY: 503,
  TOO_MANY_ATTEMPTS: 429,
  INVALID_LINK: 400,
  WRONG_PASSWORD: 403,
  CALENDAR_NOT_FOUND: 404,
  CALENDAR_ID_TAKEN: 409,
  NOT_OWNER: 403,
  NOT_WRITER: 403,
  PRIMARY_CALENDAR: 409,
  LAST_OWNER: 409,
  RULE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  APP_PASSWORD_NOT_FOUND: 404,
  TOO_MANY_APP_PASSWORDS: 409,
  INVALID_ICALENDAR: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FEED_NOT_FOUND: 404,
  TOO_MANY_FEEDS: 409,
  TOO_MANY_SUBSCRIPTIONS: 409,
  NOT_A_SUBSCRIPTION: 409,
  SUBSCRIPTION_HOST_NOT_ALLOWED: 400,
  SUBSCRIPTION_FETCH_FAILED: 502,
};

/** RFC 9457 problem details, with `code` and `errors` as extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

function problem(status: number, code: string, detail: string, errors?: FieldError[]): ProblemDetails {
  const title = code.toLowerCase().replaceAll('_', ' ');
  return {
    type: `https://datebook.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function send(res: Parameters<RequestHandler>[1], body: ProblemDetails): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

// body-parser reports its own failures with these `type`s (and the fast lane uses the same ones).
const bodyParserProblems: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'MALFORMED_JSON', 'the request body is not valid JSON'],
  'entity.too.large': [413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MB'],
  'encoding.unsupported': [415, 'UNSUPPORTED_ENCODING', 'the request body encoding is not supported'],
  'charset.unsupported': [415, 'UNSUPPORTED_CHARSET', 'the request body charset is not supported'],
  'media.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'],
};

/** A request body failure, typed as body-parser types its own. */
export function bodyError(type: keyof typeof bodyParserProblems & string): Error {
  return Object.assign(new Error(type), { type });
}

/** The response an error becomes (an unexpected one is logged); every error response is built here. */
export function problemFor(error: unknown, log?: { error(obj: object, msg: string): void }): { body: ProblemDetails; retryAfter?: string } {
  if (error instanceof DomainError) {
    const body = { ...problem(statusOf[error.code], error.code, error.message, error.fieldErrors), ...error.extensions };
    return error.code === 'CONSISTENCY_TIMEOUT' || error.code === 'SERVER_BUSY' ? { body, retryAfter: '1' } : { body };
  }
  const parserType = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const known = typeof parserType === 'string' ? bodyParserProblems[parserType] : undefined;
  if (known) return { body: problem(known[0], known[1], known[2]) };
  log?.error({ err: error }, 'unhandled error');
  return { body: problem(500, 'INTERNAL', 'something went wrong on our side; nothing was changed by this request') };
}

/** The one place where errors of Express routes become HTTP responses. */
export const problemDetailsHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const { body, retryAfter } = problemFor(error, req.log);
  // A route that knows better (the sync streams' caps) has set its own already.
  if (retryAfter && !res.getHeader('Retry-After')) res.setHeader('Retry-After', retryAfter);
  return send(res, body);
};

/** Routes that are not there answer with a problem too, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  send(res, problem(404, 'ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/** Whether a request carries a body (an empty one does not count). */
export const hasBody = (headers: IncomingHttpHeaders) =>
  headers['content-length'] !== undefined ? headers['content-length'] !== '0' : headers['transfer-encoding'] !== undefined;

/** Bodies are JSON: anything else is refused before it is read. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  // WebDAV bodies (XML, iCalendar) are read and bounded by the DAV routes themselves (see ../dav/requestBody),
  // discovery's PROPFIND of the server root and of /.well-known/caldav (redirected, body unread) included.
  if (/^\/(dav|\.well-known\/caldav)(\/|$)/i.test(req.path) || (req.method === 'PROPFIND' && req.path === '/')) return next();
  // An iCalendar import (text/calendar, up to 10 MiB) is read and bounded by its own route (command-api/src/icalendarImport).
  if (/^\/calendars\/[^/]+\/import\/?$/i.test(req.path)) return next();
  if (hasBody(req.headers) && !req.is('application/json')) return send(res, problemFor(bodyError('media.unsupported')).body);
  next();
};
