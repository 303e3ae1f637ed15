/** A request target the gateway may forward: an origin-form path and its query, as sent. */
export interface OriginFormTarget {
  /** Starts with exactly one `/`; never names a host. */
  path: string;
  /** The query with its leading `?`, or ''. */
  query: string;
}

// One `/`, then anything but another `/` or `\` right away; no `\`, `#`, whitespace or control characters anywhere.
const ORIGIN_FORM = /^\/(?![/\\])[^\\#\s\x00-\x1f\x7f]*$/;
// Dot segments (RFC 3986 §5.2.4), also percent-encoded: the route is chosen on the path as sent, so it must not resolve elsewhere.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * The origin-form target (RFC 9112 §3.2.1) of a request, or undefined for any other form: absolute-form
 * (`http://host/…`), authority-form (`host:port`, CONNECT), asterisk-form (`*`), and the network-path
 * references `//host/…` and `/\host/…` that a URL parser resolves to another host. The gateway forwards
 * only what this returns, to an upstream origin of its own configuration, so no request can name a host.
 */
export function originFormTarget(requestTarget: string | undefined): OriginFormTarget | undefined {
  if (requestTarget === undefined) return undefined;
  const q = requestTarget.indexOf('?');
  const path = q < 0 ? requestTarget : requestTarget.slice(0, q);
  const query = q < 0 ? '' : requestTarget.slice(q);
  if (!ORIGIN_FORM.test(path) || /[\\#\s\x00-\x1f\x7f]/.test(query)) return undefined;
  if (DOT_SEGMENT.test(path)) return undefined;
  return { path, query };
}
