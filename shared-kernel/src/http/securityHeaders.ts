import type { ServerResponse } from 'node:http';

/**
 * Headers every answer carries. The API serves JSON only, so nothing may be sniffed into HTML or script,
 * framed, or leak the URL onward: `nosniff` (Fetch §X-Content-Type-Options), a CSP that allows nothing and
 * forbids framing (CSP Level 3 `default-src 'none'`, `frame-ancestors 'none'`), and no Referer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

/**
 * No answer is stored by default (RFC 9111 §5.2.2.5): they are per-user and most carry a bearer token's data.
 * A route that means to be revalidated (ETag + `private, no-cache`) sets its own Cache-Control over this one.
 */
export const DEFAULT_CACHE_CONTROL = 'no-store';

/** Sets the security headers, and `Cache-Control: no-store` unless one is set already; call before the handler runs. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', DEFAULT_CACHE_CONTROL);
}
