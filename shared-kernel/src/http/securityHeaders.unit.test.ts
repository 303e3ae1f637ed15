import request from 'supertest';
import { edgeTestApp } from './edgeTestApp';

const { app, bearer } = edgeTestApp();

function expectSecurityHeaders(res: request.Response, cacheControl = 'no-store') {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe(cacheControl);
}

describe('security headers on every answer of a service', () => {
  it.each([
    ['a hot route', () => request(app).post('/echo').set('Authorization', bearer).send({ a: 1 }), 200],
    ['a hot route refused', () => request(app).post('/echo').send({ a: 1 }), 401],
    ['an Express route', () => request(app).get('/things').set('Authorization', bearer), 200],
    ['an Express route refused', () => request(app).get('/things'), 401],
    ['a public route', () => request(app).get('/open'), 200],
    ['an unknown route', () => request(app).get('/nowhere'), 404],
    ['liveness', () => request(app).get('/healthz'), 200],
    ['readiness', () => request(app).get('/readyz'), 200],
    ['the OpenAPI document', () => request(app).get('/openapi.json'), 200],
  ])('%s', async (_name, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
  });

  it('keeps the Cache-Control of a route that means to be revalidated', async () => {
    const res = await request(app).get('/cached').set('Authorization', bearer);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res, 'private, no-cache');
  });
});
