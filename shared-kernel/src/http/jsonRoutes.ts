import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Logger } from 'pino';
import { authenticateRequest, setAuthenticationFailureHeaders, type TokenService } from './auth';
import { type BodyErrors, readBoundedBody } from './boundedBody';
import { bodyError, hasBody, problemFor } from './problemDetails';
import { correlationIdOf } from './requestContext';
import type { HotRoutes } from './serviceApp';

/** What a JSON route is given: the signed-in user, its input, and whether to read fresh state. */
export interface JsonRequest {
  userID: string;
  /** The parsed JSON body (POST, PATCH; undefined when empty) or the query string as an object (GET). */
  input: unknown;
  /** True once the request's consistency token has been reached (see `JsonRoutesOptions.consistency`). */
  fresh: boolean;
  /** The request's headers, as Node has them (lower-case names). */
  headers: IncomingHttpHeaders;
  /** X-Correlation-Id: the client's, or one made up (see `correlationIdOf`). */
  correlationId: string;
}

export interface JsonReply {
  /** 200 unless given. */
  status?: number;
  body: unknown;
  /** The body already serialized (an answer kept from an earlier request): sent as is, `body` ignored. */
  json?: string;
  headers?: Record<string, string>;
}

/** An authenticated JSON endpoint at an exact path (hot routes have no path parameters). */
export interface JsonRoute {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  handle(request: JsonRequest): Promise<JsonReply>;
}

export interface JsonRoutesOptions {
  tokens: TokenService;
  logger: Logger;
  /** Waits until the write behind an `X-Consistency-Token` is visible; resolves whether there was one. */
  consistency?: (header: string | string[] | undefined) => Promise<boolean>;
}

const BODY_LIMIT = 1024 * 1024;

/**
 * Serves a service's hottest JSON endpoints straight on Node's request and response, ahead of the
 * Express stack: the same contract (bearer token, JSON body up to 1 MB, consistency token,
 * X-Correlation-Id, RFC 9457 errors from `problemFor`) without the per-request middleware chain,
 * body-parser and router matching, which cost more than these reads themselves. Asked first by
 * `serviceApp`; any other request goes on to Express.
 */
export function jsonRoutes(routes: JsonRoute[], options: JsonRoutesOptions): HotRoutes {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path.toLowerCase()}`, route]));
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1); // as Express, not strict about a trailing slash
    const route = byKey.get(`${req.method === 'HEAD' ? 'GET' : req.method} ${path}`);
    if (!route) return false;
    void serve(route, req, res, q < 0 ? '' : url.slice(q + 1), options);
    return true;
  };
}

async function serve(route: JsonRoute, req: IncomingMessage, res: ServerResponse, query: string, options: JsonRoutesOptions): Promise<void> {
  const correlationId = correlationIdOf(req.headers);
  res.setHeader('X-Correlation-Id', correlationId);
  try {
    // The user first: a stranger's body is never read, let alone inflated. Then the body, then the consistency token.
    const { userID } = await authenticateRequest(options.tokens, req);
    const input = route.method === 'GET' ? { ...parseQueryString(query) } : await readJsonBody(req);
    const fresh = options.consistency ? await options.consistency(req.headers['x-consistency-token']) : false;
    const reply = await route.handle({ userID, input, fresh, headers: req.headers, correlationId });
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    sendJsonText(req, res, reply.status ?? 200, 'application/json; charset=utf-8', reply.json ?? JSON.stringify(reply.body));
  } catch (error) {
    const { body, retryAfter } = problemFor(error, options.logger.child({ correlationId }));
    if (retryAfter && !res.getHeader('Retry-After')) res.setHeader('Retry-After', retryAfter);
    setAuthenticationFailureHeaders(req, res, error);
    sendJson(req, res, body.status, 'application/problem+json; charset=utf-8', body);
  }
}

/** Writes a JSON answer straight on Node's response (no body for HEAD). */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: unknown): void {
  sendJsonText(req, res, status, type, JSON.stringify(body));
}

function sendJsonText(req: IncomingMessage, res: ServerResponse, status: number, type: string, json: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(req.method === 'HEAD' ? undefined : json);
}

/** The request's JSON body (objects and arrays only, as body-parser's strict mode), undefined when there is none. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const headers: IncomingHttpHeaders = req.headers;
  if (!hasBody(headers)) return undefined;
  const [mediaType = '', ...parameters] = (headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') throw bodyError('media.unsupported');
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw bodyError('charset.unsupported');
  if (Number(headers['content-length'] ?? 0) > BODY_LIMIT) throw bodyError('entity.too.large');
  const text = await readText(req);
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw bodyError('entity.parse.failed');
  try {
    return JSON.parse(text);
  } catch {
    throw bodyError('entity.parse.failed');
  }
}

const jsonBodyErrors: BodyErrors = {
  tooLarge: () => bodyError('entity.too.large'),
  unreadable: () => bodyError('entity.parse.failed'),
  unsupportedEncoding: () => bodyError('encoding.unsupported'),
};

/** The body's text, refused past BODY_LIMIT counted on the decoded bytes (see readBoundedBody). */
async function readText(req: IncomingMessage): Promise<string> {
  return (await readBoundedBody(req, BODY_LIMIT, jsonBodyErrors)).toString('utf8');
}
