import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DomainError } from '@datebook/shared-kernel';
import { allowedHostsOf } from './outboundAddresses';
import { DEFAULT_SOURCE_FETCH_LIMITS, fetchSource } from './sourceFetch';

interface Listening { server: Server; base: string; connections: () => number }

async function listen(host: string, handler: RequestListener): Promise<Listening> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, base: `http://${host}:${(server.address() as AddressInfo).port}`, connections: () => connections };
}
const close = (l: Listening) => new Promise((resolve) => { l.server.closeAllConnections(); l.server.close(resolve); });
const noValidators = { etag: null, lastModified: null };
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('did not fail');
};

const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';

describe('fetching a subscription source', () => {
  let allowed: Listening;
  let forbidden: Listening;
  const policy = { allowedHosts: allowedHostsOf('127.0.0.1,feed.test') };

  beforeAll(async () => {
    allowed = await listen('127.0.0.1', (req, res) => {
      const path = req.url ?? '/';
      if (path === '/cal.ics') {
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        return void res.writeHead(200, { 'Content-Type': 'text/calendar', ETag: '"v1"', 'Last-Modified': 'Tue, 01 Jan 2030 00:00:00 GMT' }).end(`\ufeff${ICS}`);
      }
      if (path === '/hop') return void res.writeHead(302, { Location: '/cal.ics' }).end();
      if (path === '/away') return void res.writeHead(301, { Location: `${forbidden.base}/cal.ics` }).end();
      if (path === '/loop') return void res.writeHead(307, { Location: '/loop' }).end();
      if (path === '/big') return void res.writeHead(200).end('x'.repeat(5000));
      if (path === '/bomb') return void res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(Buffer.alloc(11 * 1024 * 1024)));
      if (path === '/silent') return; // never answers
      res.writeHead(404).end();
    });
    forbidden = await listen('127.0.0.2', (_req, res) => void res.writeHead(200).end(ICS));
  });
  afterAll(async () => {
    await close(allowed);
    await close(forbidden);
  });

  it('reads the body with its validators, and an unchanged source answers 304', async () => {
    const fetched = await fetchSource(`${allowed.base}/cal.ics`, noValidators, policy);
    expect(fetched).toEqual({ status: 'fetched', body: ICS, etag: '"v1"', lastModified: 'Tue, 01 Jan 2030 00:00:00 GMT' });
    expect(await fetchSource(`${allowed.base}/cal.ics`, { etag: '"v1"', lastModified: null }, policy)).toEqual({ status: 'notModified' });
    expect(await fetchSource(`${allowed.base}/hop`, noValidators, policy)).toMatchObject({ status: 'fetched', body: ICS });
  });

  it('connects to the address it checked, never resolving the name again', async () => {
    // feed.test resolves nowhere but through the policy's resolver: reaching the server proves which address was used.
    const port = new URL(allowed.base).port;
    const resolving = { ...policy, resolve: async () => [{ address: '127.0.0.1', family: 4 as const }] };
    expect(await fetchSource(`http://feed.test:${port}/cal.ics`, noValidators, resolving)).toMatchObject({ status: 'fetched' });
  });

  it('refuses a private address that is not listed, before any connection, and on every redirect', async () => {
    expect((await failure(fetchSource(`${forbidden.base}/cal.ics`, noValidators, policy))).code).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect((await failure(fetchSource(`${allowed.base}/away`, noValidators, policy))).code).toBe('SUBSCRIPTION_HOST_NOT_ALLOWED');
    expect(forbidden.connections()).toBe(0);
  });

  it('stops at the limits: redirects, size (counted inflated), time, and a failing status', async () => {
    expect((await failure(fetchSource(`${allowed.base}/loop`, noValidators, policy))).message).toMatch(/redirects/);
    const small = { ...DEFAULT_SOURCE_FETCH_LIMITS, maxBytes: 4096 };
    expect((await failure(fetchSource(`${allowed.base}/big`, noValidators, policy, small))).message).toMatch(/larger than 4096/);
    expect((await failure(fetchSource(`${allowed.base}/bomb`, noValidators, policy))).message).toMatch(/larger than/);
    const quick = { ...DEFAULT_SOURCE_FETCH_LIMITS, timeoutMs: 300 };
    expect((await failure(fetchSource(`${allowed.base}/silent`, noValidators, policy, quick))).message).toMatch(/within 0.3 s/);
    expect(await failure(fetchSource(`${allowed.base}/missing`, noValidators, policy))).toEqual({ code: 'SUBSCRIPTION_FETCH_FAILED', message: 'the source answered 404' });
  });
});
