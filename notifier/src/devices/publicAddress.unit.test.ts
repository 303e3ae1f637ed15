import { isPublicAddress } from './publicAddress';
import { PushEndpointRefused, vetPushEndpoint } from './pushEndpointPolicy';

test.each([
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255',
  '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.2.10', '198.18.0.1', '198.51.100.1', '203.0.113.9', '192.0.0.8',
  '::', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:7f00:0001', '::127.0.0.1',
  '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:0001::1', '2002:a9fe:a9fe::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', 'ff05::2',
  '100::1', '2001:db8::1', '2001::1', '3fff::1', 'localhost', 'not-an-ip', '',
])('%s is not a public address', (address) => {
  expect(isPublicAddress(address)).toBe(false);
});

test.each(['8.8.8.8', '1.1.1.1', '142.250.185.10', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200a', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
  '%s is a public address',
  (address) => {
    expect(isPublicAddress(address)).toBe(true);
  },
);

describe('vetPushEndpoint', () => {
  const none = { allowedHosts: [] };
  const resolveTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  test('a public https host is vetted to the address it resolved to, once', async () => {
    let lookups = 0;
    const vetted = await vetPushEndpoint('https://push.example.test/send/abc', none, async (host) => {
      lookups += 1;
      expect(host).toBe('push.example.test');
      return [{ address: '142.250.185.10', family: 4 }];
    });
    expect(vetted).toMatchObject({ address: '142.250.185.10', family: 4 });
    expect(lookups).toBe(1);
  });

  test.each([
    ['a name resolving to a metadata address', 'https://metadata.example.test/x', resolveTo('169.254.169.254')],
    ['a name with one private record among public ones', 'https://mixed.example.test/x', resolveTo('142.250.185.10', '10.0.0.5')],
    ['a name resolving to IPv4-mapped loopback', 'https://mapped.example.test/x', resolveTo('::ffff:127.0.0.1')],
    ['a name that does not resolve', 'https://nowhere.example.test/x', async () => Promise.reject(new Error('ENOTFOUND'))],
    ['plain http to a public address', 'http://142.250.185.10/x', resolveTo('142.250.185.10')],
    ['credentials in the URL', 'https://user:pw@push.example.test/x', resolveTo('142.250.185.10')],
    ['an IPv6 literal of a unique-local address', 'https://[fd00::1]/x', resolveTo()],
  ])('refuses %s', async (_what, endpoint, resolve) => {
    await expect(vetPushEndpoint(endpoint, none, resolve)).rejects.toBeInstanceOf(PushEndpointRefused);
  });

  test('an allowed host (host or host:port) is exempt, http included; its neighbours are not', async () => {
    const policy = { allowedHosts: ['127.0.0.1:9999'] };
    expect((await vetPushEndpoint('http://127.0.0.1:9999/push/1', policy, resolveTo())).address).toBeUndefined();
    await expect(vetPushEndpoint('http://127.0.0.1:9998/push/1', policy, resolveTo())).rejects.toBeInstanceOf(PushEndpointRefused);
    await expect(vetPushEndpoint('https://127.0.0.1/push/1', policy, resolveTo())).rejects.toBeInstanceOf(PushEndpointRefused);
  });
});
