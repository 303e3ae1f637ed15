import request from 'supertest';
import { edgeTestApp } from './edgeTestApp';
import { isOperator } from './operatorToken';
import type { ReadyHook } from './readiness';

const opsToken = 'operators-only-token-of-32-characters-or-more';
const operator = `Bearer ${opsToken}`;

async function readyz(ready: ReadyHook, authorization?: string, configured: string | null = opsToken) {
  const { app } = edgeTestApp({ ready, ...(configured ? { opsToken: configured } : {}) });
  const req = request(app).get('/readyz');
  return authorization ? req.set('Authorization', authorization) : req;
}

describe('/readyz: the status for anyone, the reasons for operators', () => {
  it('answers ready', async () => {
    const res = await readyz(async () => undefined);
    expect([res.status, res.body]).toEqual([200, { status: 'ready' }]);
  });

  it('answers not ready with 503 and keeps the reason from strangers', async () => {
    const failing = async () => {
      throw new Error('PostgreSQL at db-7.internal:5432 refused the connection');
    };
    const anyone = await readyz(failing);
    expect([anyone.status, anyone.body]).toEqual([503, { status: 'not ready' }]);
    const user = await readyz(failing, 'Bearer some-users-session-token');
    expect(user.body).toEqual({ status: 'not ready' });
    const ops = await readyz(failing, operator);
    expect([ops.status, ops.body]).toEqual([503, { status: 'not ready', reason: 'PostgreSQL at db-7.internal:5432 refused the connection' }]);
  });

  it('answers degraded but up with 200, the entries and details for operators only', async () => {
    const degraded = async () => ({ degraded: ['2 events parked in projector-read-model'], details: { parked: { 'projector-read-model': 2 } } });
    const anyone = await readyz(degraded);
    expect([anyone.status, anyone.body]).toEqual([200, { status: 'degraded' }]);
    const ops = await readyz(degraded, operator);
    expect([ops.status, ops.body]).toEqual([200, { status: 'degraded', degraded: ['2 events parked in projector-read-model'], details: { parked: { 'projector-read-model': 2 } } }]);
  });

  it('is ready with an empty degraded list; details still go to operators', async () => {
    const res = await readyz(async () => ({ degraded: [], details: { lag: 0 } }), operator);
    expect([res.status, res.body]).toEqual([200, { status: 'ready', details: { lag: 0 } }]);
    expect((await readyz(async () => ({ degraded: [], details: { lag: 0 } }))).body).toEqual({ status: 'ready' });
  });

  it('shows nobody the details when no operator token is configured', async () => {
    const res = await readyz(async () => ({ degraded: ['x'] }), operator, null);
    expect(res.body).toEqual({ status: 'degraded' });
  });
});

describe('isOperator', () => {
  it('accepts exactly the configured token as a bearer token', () => {
    expect(isOperator(operator, opsToken)).toBe(true);
    expect(isOperator(`bearer   ${opsToken}`, opsToken)).toBe(true);
    expect(isOperator(`Bearer ${opsToken}x`, opsToken)).toBe(false);
    expect(isOperator(`Bearer ${opsToken.slice(0, -1)}`, opsToken)).toBe(false);
    expect(isOperator(opsToken, opsToken)).toBe(false);
    expect(isOperator(undefined, opsToken)).toBe(false);
    expect(isOperator('Bearer ', '')).toBe(false);
    expect(isOperator(operator, undefined)).toBe(false);
  });
});
