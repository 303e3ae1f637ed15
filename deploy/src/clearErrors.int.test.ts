import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { expectNothingAppended, startTestSystem, type TestSystem } from './testing/testSystem';

/** Correctness issue, items 12 and 13: a typo or a wrong method gets an error that says what is wrong, and nothing else. */
describe('clear errors', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let user: Awaited<ReturnType<TestSystem['signUp']>>;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    user = await sys.signUp('typo');
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });
  expectNothingAppended(() => sys);

  it('refuses an unknown body field with 400 naming it (a typo of invitedUserIDs books nothing)', async () => {
    const res = await sys.http().post('/events').set(user.auth)
      .send({ title: 'x', startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z', invitedUserIds: [user.userID] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ path: 'invitedUserIds', message: 'unknown field' }]);
  });

  it('refuses unknown fields on the hot read routes too', async () => {
    const res = await sys.http().post('/freebusy').set(user.auth)
      .send({ userIDs: [user.userID], from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z', slotMinute: 30 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'slotMinute', message: 'unknown field' }]);
  });

  it('answers GET /events/availability with 405 and Allow: PATCH', async () => {
    const res = await sys.http().get('/events/availability').set(user.auth);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('PATCH');
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('names only the unknown time zone, not the valid wall time beside it', async () => {
    const res = await sys.http().post('/events').set(user.auth).send({ title: 'x', startTime: '2030-01-01T10:00', duration: 'PT1H', timeZone: 'Mars/Olympus' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'timeZone', message: 'not a known IANA time zone' }]);
  });

  it('says which part of the request is invalid', async () => {
    const res = await sys.http().get('/events').query({ view: 'YEARLY' }).set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('the query parameters are invalid');
  });
});
