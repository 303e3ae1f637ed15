import { z } from 'zod';

/** Response headers the API sets, each declared once under `components.headers`. */
export type ResponseHeaderName = 'ETag' | 'X-Consistency-Token' | 'Location' | 'Retry-After';

/** One response of a route: a JSON body (`schema`), or a problem for 4xx/5xx when no schema is given. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Headers this response carries. */
  headers?: readonly ResponseHeaderName[];
}

/** A route as documented: the same zod schemas the handlers validate with. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/events/{eventID}`. */
  path: string;
  /** Unique in the document: the name clients and generated SDKs call the operation by. */
  operationId: string;
  summary: string;
  /** Defaults to true: the route needs a bearer token. */
  authenticated?: boolean;
  /** Calendar apps sign in here with an app password (HTTP Basic, RFC 7617) as well: documented so, and a 401 challenges for Basic. */
  offerBasic?: boolean;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Request headers the route reads, with what they mean. */
  headers?: Record<string, string>;
  /**
   * What the route answers. Added for every route as they apply: 400 when it takes input, 401 when it needs a
   * token, 413/415 when it reads a body, 412 with `If-Match`, 503 (Retry-After) with `X-Consistency-Token`.
   */
  responses: Record<number, ResponseDoc>;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const RESPONSE_HEADERS: Record<ResponseHeaderName, { description: string; schema: Record<string, unknown> }> = {
  ETag: { description: 'The version of what was read or written, quoted (RFC 9110 §8.8.3); send it back as If-Match', schema: { type: 'string', examples: ['"3"'] } },
  'X-Consistency-Token': { description: 'Names this write; send it as X-Consistency-Token on a read to see the write', schema: { type: 'string' } },
  Location: { description: 'Where the created resource is (RFC 9110 §10.2.2)', schema: { type: 'string', format: 'uri-reference' } },
  'Retry-After': { description: 'Seconds to wait before trying again (RFC 9110 §10.2.3)', schema: { type: 'integer', minimum: 0 } },
};

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The client errors every route of a kind can meet, whatever its handler does. */
function edgeResponses(route: RouteDoc): Record<number, ResponseDoc> {
  const takesInput = route.path.includes('{') || route.query !== undefined || route.body !== undefined || route.headers !== undefined;
  const headers = Object.keys(route.headers ?? {}).map((name) => name.toLowerCase());
  const responses: Record<number, ResponseDoc> = {};
  if (takesInput) responses[400] = { description: 'VALIDATION_FAILED (or MALFORMED_JSON): `errors` names each field that is wrong; nothing changed' };
  if (route.authenticated !== false) responses[401] = { description: 'UNAUTHENTICATED: no bearer token, or one that is invalid, expired or revoked' };
  if (route.body) {
    responses[413] = { description: 'PAYLOAD_TOO_LARGE: the body is over 1 MB (counted inflated)' };
    responses[415] = { description: 'UNSUPPORTED_MEDIA_TYPE (or _ENCODING, _CHARSET): send the body as application/json' };
  }
  if (headers.includes('if-match')) responses[412] = { description: 'VERSION_MISMATCH: it changed since the version in If-Match; read it again' };
  if (headers.includes('x-consistency-token')) responses[503] = { description: 'CONSISTENCY_TIMEOUT: the views have not reached that write yet; retry', headers: ['Retry-After'] };
  return responses;
}

/**
 * A route that can meet no client error of its own still has the one every route has: a request that is not
 * HTTP/1.1 is answered by Node (400, or 431 for oversized headers) before any route runs, with no body.
 */
const NOT_HTTP: ResponseDoc = { description: 'The request is not valid HTTP/1.1: Node answers 400 (431 for oversized headers) before any route, with no body' };

function responseObject(status: string, response: ResponseDoc): Record<string, unknown> {
  // Errors the app answers are problems; the `4XX` range is Node's own answer, which has no body.
  const isProblem = /^[45]\d\d$/.test(status);
  const content = response.schema
    ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }
    : isProblem ? { content: problemContent } : {};
  const headers = response.headers?.length ? { headers: Object.fromEntries(response.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }])) } : {};
  return { description: response.description, ...headers, ...content };
}

/** Builds an OpenAPI 3.1 document from the route docs that the services export. */
export function openApiDocument(info: { title: string; version: string; description?: string }, routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  const usedHeaders = new Set<ResponseHeaderName>();
  for (const route of routes) {
    if (operationIds.has(route.operationId)) throw new Error(`operationId ${route.operationId} is used twice (${route.method} ${route.path})`);
    operationIds.add(route.operationId);
    const parameters: unknown[] = [];
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
    }
    for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
      const schema = field as z.ZodType;
      parameters.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema, 'input') });
    }
    for (const [name, description] of Object.entries(route.headers ?? {})) {
      parameters.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
    }
    const declared = { ...edgeResponses(route), ...route.responses };
    const hasClientError = Object.keys(declared).some((status) => status.startsWith('4'));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(hasClientError ? declared : { ...declared, '4XX': NOT_HTTP })) {
      for (const name of response.headers ?? []) usedHeaders.add(name);
      responses[status] = responseObject(status, response);
    }
    responses.default = { description: 'An RFC 9457 problem', content: problemContent };
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
      ...(route.authenticated === false ? { security: [] } : route.offerBasic ? { security: [{ bearer: [] }, { basic: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    // Relative: the document describes the server that serves it (OpenAPI 3.1 §4.8.5), whatever its address.
    servers: [{ url: '/', description: 'The server this document was read from' }],
    paths,
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token of POST /sessions' },
        basic: { type: 'http', scheme: 'basic', description: 'Your e-mail address and an app password (POST /users/me/app-passwords), for calendar apps; never the account password' },
      },
      headers: Object.fromEntries([...usedHeaders].sort().map((name) => [name, RESPONSE_HEADERS[name]])),
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details, with `code` and `errors` as extension members',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string', description: 'Machine-readable, e.g. VALIDATION_FAILED' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string', description: 'The field, e.g. invitedUserIDs.2' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
