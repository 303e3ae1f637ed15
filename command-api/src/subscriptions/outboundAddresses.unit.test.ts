import { DomainError } from '@datebook/shared-kernel';
import { allowedHostsOf, isPublicAddress, permittedAddresses, type ResolvedAddress } from './outboundAddresses';

const resolvingTo = (...addresses: string[]) => async (): Promise<ResolvedAddress[]> => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'permitted';
};

describe('where subscriptions may fetch from', () => {
  it.each([
    '127.0.0.1', '127.0.0.2', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '100.64.0.1', '198.18.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses a host with any non-public address unless it is listed, and other schemes always', async () => {
    const none = { allowedHosts: new Set<string>() };
    expect(await codeOf(permittedAddresses(new URL('http://127.0.0.2:8080/x.ics'), none))).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect(await codeOf(permittedAddresses(new URL('http://[::1]/x.ics'), none))).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect(await codeOf(permittedAddresses(new URL('https://calendar.example/x.ics'), { ...none, resolve: resolvingTo('93.184.215.14', '10.0.0.1') }))).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect(await codeOf(permittedAddresses(new URL('ftp://calendar.example/x.ics'), { ...none, resolve: resolvingTo('93.184.215.14') }))).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect(await permittedAddresses(new URL('https://calendar.example/x.ics'), { ...none, resolve: resolvingTo('93.184.215.14') })).toEqual([{ address: '93.184.215.14', family: 4 }]);
    const listed = { allowedHosts: allowedHostsOf(' Intranet.Example., 127.0.0.1,[::1]'), resolve: resolvingTo('10.0.0.7') };
    expect(await permittedAddresses(new URL('http://intranet.example/x.ics'), listed)).toEqual([{ address: '10.0.0.7', family: 4 }]);
    expect(await permittedAddresses(new URL('http://127.0.0.1:8080/x.ics'), listed)).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await permittedAddresses(new URL('http://[::1]:8080/x.ics'), listed)).toEqual([{ address: '::1', family: 6 }]);
    expect(await codeOf(permittedAddresses(new URL('http://127.0.0.2/x.ics'), listed))).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
  });

  it('a name that does not resolve is a failed fetch, not a refusal', async () => {
    const failing = { allowedHosts: new Set<string>(), resolve: async () => { throw new Error('ENOTFOUND'); } };
    expect(await codeOf(permittedAddresses(new URL('https://nowhere.invalid/x.ics'), failing))).toBe('SUBSCRIPTION_FETCH_FAILED');
  });
});
