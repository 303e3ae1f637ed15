import { gzipSync } from 'node:zlib';
import pino from 'pino';
import request from 'supertest';
import { DomainError } from '../errors/domainError';
import { jwtTokenService } from './auth';
import { jsonRoutes, type JsonRequest } from './jsonRoutes';
import { serviceApp } from './serviceApp';

const tokens = jwtTokenService('a-secret-long-enough-for-the-tests', 3600, () => new Date());
const auth = { Authorization: `Bearer ${tokens.issue('user-1', new Date()).token}` };

function appWith(consistency?: (header: string | string[] | undefined) => Promise<boolean>) {
  const seen: JsonRequest[] = [];
  const errors: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
  const hot = jsonRoutes(
    [
      { method: 'POST', path: '/echo', handle: async (r) => (seen.push(r), { body: { got: r.input, user: r.userID, fresh: r.fresh } }) },
      { method: 'GET', path: '/things', handle: async (r) => (seen.push(r), { body: r.input, headers: { 'Cache-Control': 'private, no-cache' } }) },
      { method: 'PATCH', path: '/fails', handle: async () => { throw new DomainError('UNKNOWN_USERS', 'some users do not exist', [{ path: 'userIDs.0', message: 'no user x' }]); } },
      { method: 'PATCH', path: '/crashes', handle: async () => { throw new Error('boom'); } },
    ],
    { tokens, logger, ...(consistency ? { consistency } : {}) },
  );
  const app = serviceApp({ logger, routers: [], routeDocs: [], jsonRoutes: hot, ready: async () => undefined });
  return { app, seen, errors };
}

describe('jsonRoutes: hot JSON endpoints ahead of Express, same contract', () => {
  it('passes the body, the signed-in user and the query on; answers JSON with a correlation id', async () => {
    const { app } = appWith();
    const res = await request(app).post('/echo').set(auth).set('X-Correlation-Id', 'abc-1').send({ a: [1, 2] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-correlation-id']).toBe('abc-1');
    expect(res.body).toEqual({ got: { a: [1, 2] }, user: 'user-1', fresh: false });
    const get = await request(app).get('/things/?view=week&date=2030-01-01').set(auth);
    expect(get.body).toEqual({ view: 'week', date: '2030-01-01' });
    expect(get.headers['cache-control']).toBe('private, no-cache');
    expect((await request(app).head('/things').set(auth)).status).toBe(200);
    const gzipped = await request(app).post('/echo').set(auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip')
      .serialize((raw: Buffer) => raw as unknown as string) // as it is: superagent would write a Buffer out as JSON
      .send(gzipSync('{"z":1}'));
    expect(gzipped.text).toBe('{"got":{"z":1},"user":"user-1","fresh":false}');
  });

  it('refuses bad requests as the Express stack does, before the handler runs', async () => {
    const { app, seen } = appWith();
    const problem = async (res: request.Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(res.text).code).toBe(code);
    };
    await problem(await request(app).post('/echo').send({ a: 1 }), 401, 'UNAUTHENTICATED');
    await problem(await request(app).post('/echo').set({ Authorization: 'Bearer nonsense' }).send({ a: 1 }), 401, 'UNAUTHENTICATED');
    await problem(await request(app).post('/echo').set(auth).set('Content-Type', 'text/plain').send('hi'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(await request(app).post('/echo').set(auth).set('Content-Type', 'application/json; charset=latin1').send('{}'), 415, 'UNSUPPORTED_CHARSET');
    await problem(await request(app).post('/echo').set(auth).set('Content-Type', 'application/json').send('{"a":'), 400, 'MALFORMED_JSON');
    await problem(await request(app).post('/echo').set(auth).set('Content-Type', 'application/json').send('3'), 400, 'MALFORMED_JSON');
    await problem(await request(app).post('/echo').set(auth).send({ big: 'x'.repeat(1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    expect(seen).toHaveLength(0);
  });

  it('turns errors into problem details; an unexpected one is logged and answered 500', async () => {
    const { app, errors } = appWith();
    const unknown = await request(app).patch('/fails').set(auth).send({});
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_USERS', errors: [{ path: 'userIDs.0', message: 'no user x' }] });
    const crash = await request(app).patch('/crashes').set(auth).set('X-Correlation-Id', 'c-9').send({});
    expect(crash.status).toBe(500);
    expect(crash.body.code).toBe('INTERNAL');
    expect(errors).toEqual([expect.objectContaining({ correlationId: 'c-9', msg: 'unhandled error' })]);
  });

  it('waits for the consistency token, and answers 503 with Retry-After when the views lag', async () => {
    const { app } = appWith(async (header) => {
      if (header === undefined) return false;
      if (header === 'late') throw new DomainError('CONSISTENCY_TIMEOUT', 'not yet');
      return true;
    });
    expect((await request(app).post('/echo').set(auth).send({})).body.fresh).toBe(false);
    expect((await request(app).post('/echo').set(auth).set('X-Consistency-Token', 'ok').send({})).body.fresh).toBe(true);
    const late = await request(app).post('/echo').set(auth).set('X-Consistency-Token', 'late').send({});
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBe('1');
  });

  it('leaves every other request to Express', async () => {
    const { app } = appWith();
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    const missing = await request(app).get('/echo').set(auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('jwtTokenService', () => {
  it('keeps refusing a token once it expires by its clock, although it verified it before', () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const service = jwtTokenService('another-secret-long-enough-for-hs256!', 60, clock);
    const { token } = service.issue('user-2', clock());
    expect(service.verify(token)).toBe('user-2');
    expect(service.verify(token)).toBe('user-2');
    now += 61_000;
    expect(() => service.verify(token)).toThrow('the token has expired; sign in again');
    expect(() => jwtTokenService('a-different-secret-entirely-for-hs256', 60, clock).verify(token)).toThrow('the token is not valid');
  });
});
