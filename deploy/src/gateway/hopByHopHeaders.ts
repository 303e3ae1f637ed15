import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Connection-specific fields a proxy must not forward (RFC 9110 §7.6.1): Connection and every field it
 * names, and Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and Upgrade; plus the proxy credentials
 * of RFC 9110 §11.7, meant for this hop only. Node frames the forwarded message itself.
 */
const HOP_BY_HOP = ['connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate'];

/** The headers without the hop-by-hop ones (and without `host`, which the gateway sets for the upstream). */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const drop = new Set([...HOP_BY_HOP, ...named, 'host']);
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !drop.has(name)) kept[name] = value;
  return kept;
}
