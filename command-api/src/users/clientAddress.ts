import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from, for per-client limits. Behind the gateway every request comes from
 * the gateway, which writes the client's own address as the last `X-Forwarded-For` entry (RFC 7239
 * §5.2's de-facto predecessor); that header is trusted only when the process is told it sits behind
 * such a proxy, since any client can send one.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
