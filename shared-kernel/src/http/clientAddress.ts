import type { IncomingMessage } from 'node:http';

/** What a per-client limit needs of a request. */
export type ClientRequest = Pick<IncomingMessage, 'headers' | 'socket'>;

/**
 * The address a request came from, for per-client limits. Behind the gateway every request comes from
 * the gateway, which writes the client's own address as the last `X-Forwarded-For` entry; that header is
 * trusted only when the process is told it sits behind such a proxy, since any client can send one.
 * (The same rule as command-api's sign-in limits, command-api/src/users/clientAddress.ts, for every service.)
 */
export function requestClientAddress(req: ClientRequest, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
