import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError } from '@datebook/shared-kernel';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a subscription may be fetched from. Anything on the public internet; an address that is
 * private, loopback, link-local, multicast, unspecified or otherwise special (RFC 6890) only for a host the
 * operator listed (SUBSCRIPTION_ALLOWED_HOSTS), so "add calendar from URL" cannot be used to probe the
 * server's own network. A name is resolved first and every address it has is checked; the connection then
 * goes to a checked address, never to a second resolution (which could answer otherwise: DNS rebinding).
 */
export interface OutboundPolicy {
  /** Host names or IP literals (lower case, IPv6 without brackets) that may resolve to non-public addresses. */
  allowedHosts: ReadonlySet<string>;
  /** Resolves a name to its addresses (the system resolver unless a test gives one). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Reads SUBSCRIPTION_ALLOWED_HOSTS: comma-separated host names or IP literals ("[::1]" or "::1"). */
export function allowedHostsOf(list: string): Set<string> {
  return new Set(list.split(',').map((host) => normalHost(host.trim())).filter(Boolean));
}

const normalHost = (host: string) => host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

// ipaddr.js names the special ranges; 198.18.0.0/15 (RFC 2544 benchmarking) is one it files as unicast.
const BENCHMARKING = ipaddr.IPv4.parseCIDR('198.18.0.0/15');

/** Whether an address is an ordinary public one (IPv4-mapped IPv6 is judged as the IPv4 address it maps). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4' && (parsed as ipaddr.IPv4).match(BENCHMARKING)) return false;
  return parsed.range() === 'unicast';
}

const refused = (message: string) => new DomainError('SUBSCRIPTION_HOST_NOT_ALLOWED', message, [{ path: 'url', message }]);

const systemResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/**
 * The addresses `url`'s host may be reached at, all checked, or SUBSCRIPTION_HOST_NOT_ALLOWED (400, naming
 * `url`) for a scheme other than http and https, or any address that is not public on a host not listed.
 */
export async function permittedAddresses(url: URL, policy: OutboundPolicy): Promise<ResolvedAddress[]> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('only http and https URLs can be subscribed to');
  const host = normalHost(url.hostname);
  const listed = policy.allowedHosts.has(host);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      throw new DomainError('SUBSCRIPTION_FETCH_FAILED', `the host ${host} could not be resolved`, [{ path: 'url', message: 'unknown host' }]);
    }
  }
  if (addresses.length === 0) throw new DomainError('SUBSCRIPTION_FETCH_FAILED', `the host ${host} has no address`, [{ path: 'url', message: 'unknown host' }]);
  if (!listed && !addresses.every((a) => isPublicAddress(a.address))) {
    throw refused(`${host} is not a public address; an operator may allow it (SUBSCRIPTION_ALLOWED_HOSTS)`);
  }
  return addresses;
}
