import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { type BrotliCompress, BrotliDecompress, brotliCompressSync, constants, createBrotliCompress, createGzip, type Gzip, Gunzip, gzipSync, Inflate, Unzip } from 'node:zlib';
import { Router } from 'express';
import pino from 'pino';
import { pollUntil } from '../testing/pollUntil';
import { jwtTokenService, requireUser } from './auth';
import { jsonRoutes } from './jsonRoutes';
import { serviceApp } from './serviceApp';

// The decoders body-parser and jsonRoutes create, and the bytes they produce: the invariant is that a bomb
// is never inflated past the limit, which a byte count shows exactly (process CPU would also count GC of
// whatever ran before in this jest worker).
let inflatedBytes = 0;
const decoders = new Set<Readable>();
const DECODERS = [Gunzip, Inflate, BrotliDecompress, Unzip];
// Put back as found when this file is done: the prototypes are shared with later files of the jest worker.
afterAll(() => {
  for (const Decoder of DECODERS) delete (Decoder.prototype as { push?: unknown }).push;
});
for (const Decoder of DECODERS) {
  Object.defineProperty(Decoder.prototype, 'push', {
    configurable: true,
    value(this: Readable, chunk: Buffer | null, encoding?: BufferEncoding) {
      decoders.add(this);
      if (chunk) inflatedBytes += chunk.length;
      return Readable.prototype.push.call(this, chunk, encoding);
    },
  });
}

/** Every decoder made so far can produce nothing more unless someone resumes it: destroyed, ended or paused. */
const decodersAtRest = async () => [...decoders].every((d) => d.destroyed || d.readableEnded || d.isPaused());

const tokens = jwtTokenService('a-secret-long-enough-for-the-bomb-tests', 3600, () => new Date());
const bearer = `Bearer ${tokens.issue('user-1', new Date()).token}`;
const logger = pino({ level: 'silent' });

/** `total` zero bytes through a compressor, streamed in 1 MB chunks (no gigabyte buffer in memory). */
async function compressedZeros(compressor: Gzip | BrotliCompress, total: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  let left = total / chunk.length;
  const out: Buffer[] = [];
  compressor.on('data', (c: Buffer) => out.push(c));
  Readable.from((function* () { while (left-- > 0) yield chunk; })()).pipe(compressor);
  await once(compressor, 'end');
  return Buffer.concat(out);
}

let brotliBomb: Buffer; // 1 GiB of zeros, ~190 KB
let gzipBomb: Buffer; // 1 GiB of zeros as 16 gzip members (RFC 1952 §2.2), ~1 MB: under the raw limit
let server: http.Server;
let base: string;
const handled: string[] = [];
// Each case starts with no handler reached, so one case reaching a handler cannot fail the others.
beforeEach(() => {
  handled.length = 0;
});

beforeAll(async () => {
  brotliBomb = await compressedZeros(createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }), 1 << 30);
  const member = await compressedZeros(createGzip({ level: 9 }), 64 << 20);
  gzipBomb = Buffer.concat(Array.from({ length: 16 }, () => member));
  expect(gzipBomb.length).toBeLessThan(1024 * 1024);
  const router = Router();
  router.post('/things', requireUser(tokens), (req, res) => (handled.push('things'), res.json({ got: req.body })));
  router.post('/open', (req, res) => (handled.push('open'), res.json({ got: req.body })));
  const app = serviceApp({
    logger,
    tokens,
    routers: [router],
    routeDocs: [
      { method: 'post', path: '/things', operationId: 'things', summary: 'authenticated', responses: { 200: { description: 'ok' } } },
      { method: 'post', path: '/open', operationId: 'open', summary: 'public', authenticated: false, responses: { 200: { description: 'ok' } } },
    ],
    jsonRoutes: jsonRoutes([{ method: 'POST', path: '/echo', handle: async (r) => (handled.push('echo'), { body: r.input }) }], { tokens, logger }),
    ready: async () => undefined,
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

function post(path: string, encoding: string, body: Buffer, authorization?: string): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json', 'Content-Encoding': encoding, 'Content-Length': body.length };
    if (authorization) headers.authorization = authorization;
    const req = http.request(`${base}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: JSON.parse(Buffer.concat(chunks).toString('utf8')).code }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a decompression bomb costs (almost) nothing, before and after authentication', () => {
  it.each([
    ['jsonRoutes, no token', '/echo', 'br', 401, 'UNAUTHENTICATED', undefined],
    ['jsonRoutes, with a token (brotli)', '/echo', 'br', 413, 'PAYLOAD_TOO_LARGE', bearer],
    ['jsonRoutes, with a token (gzip)', '/echo', 'gzip', 413, 'PAYLOAD_TOO_LARGE', bearer],
    ['Express, no token', '/things', 'br', 401, 'UNAUTHENTICATED', undefined],
    ['Express, bad token', '/things', 'gzip', 401, 'UNAUTHENTICATED', 'Bearer forged'],
    ['Express, with a token (brotli)', '/things', 'br', 413, 'PAYLOAD_TOO_LARGE', bearer],
    ['Express, public route (gzip)', '/open', 'gzip', 413, 'PAYLOAD_TOO_LARGE', undefined],
  ])('%s: POST %s (%s) answers %i %s without inflating the gigabyte', async (_name, path, encoding, status, code, authorization) => {
    const body = encoding === 'br' ? brotliBomb : gzipBomb;
    inflatedBytes = 0;
    decoders.clear();
    const answer = await post(path, encoding, body, authorization);
    expect(answer).toEqual({ status, code });
    // Work left running after the answer (an inflater still flowing in the background) counts too: wait until
    // every decoder is at rest, which a flowing one reaches only after the whole gigabyte (1.4–2 s of CPU here).
    await pollUntil(decodersAtRest, { timeoutMs: 20_000, what: () => `the decoders at rest (${inflatedBytes} bytes inflated)` });
    expect(inflatedBytes).toBeLessThan(2 << 20);
    expect(handled).toEqual([]);
  });

  it('still reads an ordinary compressed body on the same paths (and the byte count sees the decoders)', async () => {
    inflatedBytes = 0;
    expect(await post('/echo', 'br', brotliCompressSync('{"a":1}'), bearer)).toEqual({ status: 200, code: undefined });
    expect(await post('/things', 'gzip', gzipSync('{"b":2}'), bearer)).toEqual({ status: 200, code: undefined });
    expect(handled).toEqual(['echo', 'things']);
    expect(inflatedBytes).toBe('{"a":1}'.length + '{"b":2}'.length);
  });
});
