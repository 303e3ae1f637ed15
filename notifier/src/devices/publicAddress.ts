import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 range as [first address, prefix length]. */
type V4Range = [string, number];

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its updates): none of these is a public
// host a push service could live on.
const NOT_PUBLIC_V4: readonly V4Range[] = [
  ['0.0.0.0', 8], // "this network", unspecified (RFC 1122 §3.2.1.3)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback (RFC 1122)
  ['169.254.0.0', 16], // link-local, cloud metadata services (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // TEST-NET-1 (RFC 5737)
  ['192.31.196.0', 24], // AS112-v4 (RFC 7535)
  ['192.52.193.0', 24], // AMT (RFC 7450)
  ['192.88.99.0', 24], // 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['192.175.48.0', 24], // direct delegation AS112 (RFC 7534)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved, limited broadcast (RFC 1112, RFC 919)
];

function v4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inV4Range(value: number, [first, bits]: V4Range): boolean {
  const size = 2 ** (32 - bits);
  const start = v4ToNumber(first);
  return value >= start && value < start + size;
}

function isPublicV4(address: string): boolean {
  const value = v4ToNumber(address);
  return !NOT_PUBLIC_V4.some((range) => inV4Range(value, range));
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part becomes the last two). */
function v6Groups(address: string): number[] {
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  let text = address;
  if (isIPv4(last)) {
    const value = v4ToNumber(last);
    text = `${address.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const before = parse(head);
  if (rest === undefined) return before;
  const after = parse(rest);
  return [...before, ...Array<number>(Math.max(0, 8 - before.length - after.length)).fill(0), ...after];
}

const v4Of = (high: number, low: number): string => [high >> 8, high & 255, low >> 8, low & 255].join('.');

function isPublicV6(address: string): boolean {
  if (address.includes('%')) return false; // a zone index only qualifies link-local and site-scoped addresses
  const g = v6Groups(address);
  if (g.length !== 8 || g.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2): a socket to it reaches the IPv4 address a.b.c.d.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return isPublicV4(v4Of(g6, g7));
  // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052 §2.1): translated to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicV4(v4Of(g6, g7));
  // 2002::/16, 6to4 (RFC 3056): carries an IPv4 address in bits 16-47.
  if (g0 === 0x2002) return isPublicV4(v4Of(g1, g2));
  // Only 2000::/3 is global unicast (RFC 4291 §2.4); that leaves out ::, ::1, IPv4-compatible ::/96,
  // 64:ff9b:1::/48, 100::/64 (discard), fc00::/7 (unique local), fe80::/10 (link-local), fec0::/10, ff00::/8 (multicast).
  if ((g0 & 0xe000) !== 0x2000) return false;
  if (g0 === 0x2001 && g1 < 0x0200) return false; // 2001::/23, IETF protocol assignments incl. Teredo (RFC 2928, RFC 4380)
  if (g0 === 0x2001 && g1 === 0x0db8) return false; // documentation (RFC 3849)
  if (g0 === 0x3fff && g1 < 0x1000) return false; // documentation (RFC 9637)
  if (g0 === 0x5f00) return false; // SRv6 SIDs (RFC 9602)
  return true;
}

/**
 * Whether an IP address is a public unicast host: not private, loopback, link-local, unique-local,
 * multicast, carrier-grade NAT, unspecified, documentation or otherwise special-purpose, also when
 * written as an IPv4-mapped, NAT64 or 6to4 IPv6 address. Anything that is not an IP address is not.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return isPublicV4(bare);
  if (isIPv6(bare)) return isPublicV6(bare);
  return false;
}
