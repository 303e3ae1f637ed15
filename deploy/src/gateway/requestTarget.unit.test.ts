import { endToEndHeaders } from './hopByHopHeaders';
import { originFormTarget } from './requestTarget';
import { upstreamFor } from './routeTable';

describe('originFormTarget (RFC 9112 §3.2)', () => {
  it.each([
    ['/events', { path: '/events', query: '' }],
    ['/events?view=WEEKLY&date=2030-06-04', { path: '/events', query: '?view=WEEKLY&date=2030-06-04' }],
    ['/events/abc/occurrences/2030-01-01T00:00:00Z', { path: '/events/abc/occurrences/2030-01-01T00:00:00Z', query: '' }],
    ['/events?next=//elsewhere', { path: '/events', query: '?next=//elsewhere' }],
  ])('takes %s', (target, expected) => {
    expect(originFormTarget(target)).toEqual(expected);
  });

  it.each([
    ['//127.0.0.2:8080/events'],
    ['///events'],
    ['/\\127.0.0.2/events'],
    ['/events\\..\\users'],
    ['http://127.0.0.2/events'],
    ['HTTP://127.0.0.2/events'],
    ['127.0.0.2:8080'],
    ['*'],
    [''],
    ['events'],
    ['/events/../users'],
    ['/events/./x'],
    ['/events/%2e%2e/users'],
    ['/events/..'],
    ['/events#fragment'],
    ['/events?x=\\'],
    [undefined],
  ])('refuses %s', (target) => {
    expect(originFormTarget(target)).toBeUndefined();
  });
});

describe('endToEndHeaders (RFC 9110 §7.6.1)', () => {
  it('drops Connection, the fields it names, the fixed hop-by-hop fields and Host', () => {
    expect(
      endToEndHeaders({
        connection: 'close, X-Hop', 'x-hop': '1', 'keep-alive': 'timeout=5', te: 'trailers', 'transfer-encoding': 'chunked', upgrade: 'h2c',
        'proxy-connection': 'keep-alive', 'proxy-authorization': 'Basic eA==', host: 'gateway', authorization: 'Bearer t', 'content-type': 'application/json',
      }),
    ).toEqual({ authorization: 'Bearer t', 'content-type': 'application/json' });
  });
});

describe('route table', () => {
  it.each([['GET', '/'], ['GET', '/readyz/../x'], ['POST', '/admin'], ['GET', '/openapi.json/x'], ['GET', '/%2F127.0.0.2/events']])('leaves %s %s to no service', (method, path) => {
    expect(upstreamFor(method, path)).toBeUndefined();
  });
});
