import request from 'supertest';
import { edgeTestApp } from './edgeTestApp';

const allowed = 'https://app.example.com';
const { app, bearer } = edgeTestApp({ corsOrigins: [allowed, 'https://other.example.org/'] });

const preflight = (path: string, origin: string) =>
  request(app).options(path).set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization, content-type');

describe('CORS (config CORS_ORIGINS)', () => {
  it.each([['a hot route', '/echo'], ['an Express route behind a token', '/things']])('answers a preflight to %s with 204 before authentication', async (_name, path) => {
    const res = await preflight(path, allowed);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, If-Match, Idempotency-Key, X-Consistency-Token, X-Correlation-Id');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('matches an allowed origin written with a trailing slash in the configuration', async () => {
    expect((await preflight('/echo', 'https://other.example.org')).headers['access-control-allow-origin']).toBe('https://other.example.org');
  });

  it('gives a disallowed origin no CORS headers, on a preflight or an answer', async () => {
    const pre = await preflight('/echo', 'https://evil.example.net');
    expect(pre.status).toBe(204);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const res = await request(app).post('/echo').set('Origin', 'https://evil.example.net').set('Authorization', bearer).send({ a: 1 });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['a hot route', () => request(app).post('/echo').set('Authorization', bearer).send({ a: 1 }), 200],
    ['an Express route', () => request(app).get('/things').set('Authorization', bearer), 200],
    ['a refusal', () => request(app).get('/things'), 401],
  ])('lets the allowed origin read %s, with the headers it needs exposed', async (_name, send, status) => {
    const res = await send().set('Origin', allowed);
    expect(res.status).toBe(status);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    expect(res.headers['access-control-expose-headers']).toMatch(/^ETag, Location, X-Consistency-Token, Retry-After\b/);
  });

  it('allows no origin by default', async () => {
    const { app: closed } = edgeTestApp();
    const pre = await request(closed).options('/echo').set('Origin', allowed).set('Access-Control-Request-Method', 'POST');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(closed).get('/open').set('Origin', allowed)).headers['access-control-allow-origin']).toBeUndefined();
  });
});
