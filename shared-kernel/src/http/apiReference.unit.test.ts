import pino from 'pino';
import request from 'supertest';
import { API_REFERENCE_CSP } from './apiReference';
import { serviceApp } from './serviceApp';

const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [], routeDocs: [], ready: async () => undefined });

/** Every src= and href= of a page. */
const referencesIn = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1] as string);

describe('GET /docs', () => {
  test('answers an HTML page under its own policy: this origin only, nothing inline, no framing', async () => {
    const res = await request(app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(API_REFERENCE_CSP);
    const directives = Object.fromEntries(API_REFERENCE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives).toMatchObject({ 'default-src': ["'none'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'connect-src': ["'self'"], 'frame-ancestors': ["'none'"] });
    expect(API_REFERENCE_CSP).not.toMatch(/unsafe|https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Nothing inline for the policy to need: scripts and styles are files.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\bstyle=|\bon[a-z]+=/i);
  });

  test('loads every script, style and icon from this server, each with its content type, and names no other origin', async () => {
    const page = (await request(app).get('/docs')).text;
    const references = referencesIn(page);
    expect(references.length).toBeGreaterThanOrEqual(4);
    const expectedType: Record<string, RegExp> = { '.js': /^text\/javascript; charset=utf-8$/, '.css': /^text\/css; charset=utf-8$/, '.png': /^image\/png$/ };
    for (const url of references) {
      expect(url).toMatch(/^\/docs\/[\w.-]+$/);
      const res = await request(app).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.headers['content-type']).toMatch(expectedType[url.slice(url.lastIndexOf('.'))] ?? /^$/);
      expect(res.headers['content-security-policy']).toBe(API_REFERENCE_CSP);
      expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    }
    const initializer = (await request(app).get('/docs/reference.js')).text;
    for (const own of [page, initializer]) expect(own).not.toMatch(/https?:\/\//);
    // Swagger UI reads this server's own document, and sends it to no validator.
    expect(initializer).toContain("url: '/openapi.json'");
    expect(initializer).toContain('validatorUrl: null');
  });

  test('is revalidated by ETag rather than downloaded again', async () => {
    const first = await request(app).get('/docs/swagger-ui-bundle.js');
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await request(app).get('/docs/swagger-ui-bundle.js').set('If-None-Match', first.headers.etag ?? '');
    expect(again.status).toBe(304);
  });

  test('serves only its own files: anything else under /docs is a 404 problem, and the API keeps its own policy', async () => {
    for (const path of ['/docs/package.json', '/docs/..%2Fpackage.json', '/docs/swagger-initializer.js']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const api = await request(app).get('/openapi.json');
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
