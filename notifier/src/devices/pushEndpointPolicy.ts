import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './publicAddress';

/**
 * Which push endpoints the notifier will connect to. By default only https (RFC 8030 §8) to hosts
 * whose every address is public: an endpoint is a URL the user hands us, and without this check a
 * push is a request from inside our network to wherever they point it (cloud metadata at
 * 169.254.169.254, a database on 10.x, an admin port on loopback).
 */
export interface PushEndpointPolicy {
  /**
   * Hosts (`host` or `host:port`, as in the URL) exempt from the check, where http is allowed too:
   * a push service on the operator's own network, or a test's receiver on loopback. Empty by default.
   */
  allowedHosts: readonly string[];
}

export const PUBLIC_PUSH_ENDPOINTS_ONLY: PushEndpointPolicy = { allowedHosts: [] };

/** Why an endpoint is refused; the message is safe to show to the user who registered it. */
export class PushEndpointRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushEndpointRefused';
  }
}

/** Where to connect: `address` is the vetted IP to dial (undefined for an allowed host: resolved as usual). */
export interface VettedEndpoint {
  url: URL;
  address?: string;
  family?: 4 | 6;
}

export type ResolveAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const resolveAll: ResolveAll = (hostname) => lookup(hostname, { all: true, verbatim: true });

export function isAllowedHost(url: URL, policy: PushEndpointPolicy): boolean {
  return policy.allowedHosts.some((allowed) => allowed.toLowerCase() === url.host.toLowerCase() || allowed.toLowerCase() === url.hostname.toLowerCase());
}

/**
 * Checks an endpoint and resolves its host once. Every address the name resolves to must be public
 * (one private record among public ones is refused too), and the caller must connect to the returned
 * `address`, not resolve the name again: a second lookup could answer differently (DNS rebinding).
 */
export async function vetPushEndpoint(endpoint: string, policy: PushEndpointPolicy, resolve: ResolveAll = resolveAll): Promise<VettedEndpoint> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PushEndpointRefused('the push endpoint is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw new PushEndpointRefused('the push endpoint must not carry credentials');
  if (isAllowedHost(url, policy) && (url.protocol === 'https:' || url.protocol === 'http:')) return { url };
  if (url.protocol !== 'https:') throw new PushEndpointRefused('the push endpoint must be an https URL');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  if (literal !== 0) {
    if (!isPublicAddress(host)) throw new PushEndpointRefused('the push endpoint must be on a public address');
    return { url, address: host, family: literal === 4 ? 4 : 6 };
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(host);
  } catch {
    throw new PushEndpointRefused('the push endpoint’s host does not resolve');
  }
  const first = addresses[0];
  if (!first) throw new PushEndpointRefused('the push endpoint’s host does not resolve');
  if (!addresses.every((a) => isPublicAddress(a.address))) throw new PushEndpointRefused('the push endpoint must be on a public address');
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
