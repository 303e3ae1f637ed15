import fc from 'fast-check';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { startTestSystem, type TestSystem } from './testing/testSystem';

/** Throws random bodies, ids and headers at every endpoint: never a 5xx, and a refusal appends nothing. */
describe('random input at every endpoint', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let user: Awaited<ReturnType<TestSystem['signUp']>>;
  let eventID: string;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db, { consistencyTimeoutMs: 50 });
    user = await sys.signUp('fuzz');
    const booked = await sys.http().post('/events').set(user.auth).send({ title: 't', startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' });
    eventID = booked.body.eventID;
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const endpoints = (id: string): [string, string][] => [
    ['post', '/users'], ['post', '/sessions'], ['post', '/events'], ['get', '/events'], ['get', `/events/${id}`],
    ['get', `/events/${id}/history`], ['patch', '/events/availability'], ['post', `/events/${id}/invitations`],
    ['patch', `/events/${id}/invitations`], ['put', `/events/${id}`], ['delete', `/events/${id}`],
  ];

  const jsonValue = fc.oneof(
    fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false }),
    fc.record({
      title: fc.oneof(fc.string(), fc.integer()), startTime: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
      endTime: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), timeZone: fc.string(),
      invitedUserIDs: fc.array(fc.oneof(fc.uuid(), fc.string())), response: fc.string(), userIDs: fc.array(fc.uuid()), userID: fc.uuid(),
      email: fc.string(), password: fc.string(), userName: fc.string(),
    }, { requiredKeys: [] }),
  );

  it('never answers 5xx and appends nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 }),
        fc.oneof(fc.constant(null), fc.uuid(), fc.string({ maxLength: 40 })),
        jsonValue,
        fc.record({ query: fc.dictionary(fc.constantFrom('view', 'date', 'timeZone', 'from', 'to'), fc.string()), ifMatch: fc.option(fc.string()), token: fc.option(fc.string()) }),
        async (which, id, body, extra) => {
          const [method, path] = endpoints(id === null ? eventID : encodeURIComponent(id))[which] ?? ['get', '/events'];
          const before = await sys.eventCount();
          let call = (sys.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method]?.(path);
          if (!call) throw new Error(`no method ${method}`);
          call = call.set(user.auth).query(extra.query);
          if (extra.ifMatch !== null) call = call.set('If-Match', extra.ifMatch.replace(/[^\x20-\x7e]/g, ''));
          if (extra.token !== null) call = call.set('X-Consistency-Token', extra.token.replace(/[^\x20-\x7e]/g, ''));
          const json = JSON.stringify(body);
          const res = method === 'get' || method === 'delete' || json === undefined ? await call : await call.set('Content-Type', 'application/json').send(json);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(await sys.eventCount()).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
