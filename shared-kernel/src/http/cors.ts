import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, If-Match, Idempotency-Key, X-Consistency-Token, X-Correlation-Id';
const EXPOSE_HEADERS = 'ETag, Location, X-Consistency-Token, Retry-After, X-Correlation-Id';
/** How long a browser may reuse a preflight's answer, in seconds. */
const MAX_AGE = '600';

/** Cross-origin access for pages on the configured origins (Fetch standard, "CORS protocol"). */
export interface CorsPolicy {
  /** Answers a preflight (OPTIONS with Origin and Access-Control-Request-Method) with 204 and returns true. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean;
  /** Marks an actual answer to an allowed origin as readable by it; leaves others without CORS headers. */
  decorate(req: IncomingMessage, res: ServerResponse): void;
}

/** Adds a field name to `Vary` without repeating it. */
function varyOn(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  const fields = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields.some((f) => f === '*' || f.toLowerCase() === field.toLowerCase())) res.setHeader('Vary', [...fields, field].join(', '));
}

/** Origins are compared as serialised (scheme://host[:port], lower case, no trailing slash). */
export function normalisedOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * A policy for exactly these origins (config `CORS_ORIGINS`; none by default: no page elsewhere may read
 * the API). Preflights are answered before authentication, because browsers send them without credentials.
 * The allowed origin is echoed rather than `*`, with `Vary: Origin` so no cache serves it to another origin.
 */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const allowed = new Set(origins.map(normalisedOrigin).filter(Boolean));
  const allowedOrigin = (req: IncomingMessage): string | undefined => {
    const origin = req.headers.origin;
    return typeof origin === 'string' && allowed.has(normalisedOrigin(origin)) ? origin : undefined;
  };
  return {
    preflight(req, res) {
      if (req.method !== 'OPTIONS' || req.headers.origin === undefined || req.headers['access-control-request-method'] === undefined) return false;
      varyOn(res, 'Origin');
      const origin = allowedOrigin(req);
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
        res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
        res.setHeader('Access-Control-Max-Age', MAX_AGE);
      }
      // A disallowed origin gets a plain 204: without Allow-Origin the browser refuses the actual request.
      res.statusCode = 204;
      res.end();
      return true;
    },
    decorate(req, res) {
      if (allowed.size === 0) return;
      varyOn(res, 'Origin');
      const origin = allowedOrigin(req);
      if (origin === undefined) return;
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    },
  };
}
