import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, TEST_PASSWORD, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
const basic = (email: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${email}:${password}`, 'utf8').toString('base64')}` });

/** Sign-in for calendar apps: app passwords over HTTP Basic on the command and the query side, never the account password. */
describe('app passwords', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    ann = await sys.signUp('Ann');
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const create = (who: Person, name: string) => sys.http().post('/users/me/app-passwords').set(who.auth).send({ name });
  const book = (auth: Record<string, string>) =>
    sys.http().post('/events').set(auth).send({ title: 'From Thunderbird', startTime: '2030-06-04T10:00:00Z', endTime: '2030-06-04T11:00:00Z' });

  it('is shown once, listed without its secret, and signs in to commands and reads over Basic until revoked', async () => {
    const created = await create(ann, 'Thunderbird');
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { id, password } = created.body as { id: string; password: string };
    expect(created.body).toEqual({ id, name: 'Thunderbird', password, createdAt: expect.any(String) });
    // 7 groups of 4 of a 32-symbol alphabet: 140 bits.
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){6}$/);

    const listed = await sys.http().get('/users/me/app-passwords').set(ann.auth);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [{ id, name: 'Thunderbird', createdAt: created.body.createdAt }] });
    expect(JSON.stringify(listed.body)).not.toContain(password);

    const app = basic(ann.email, password);
    const booked = await book(app);
    expect(booked.status).toBe(201);
    const eventID: string = booked.body.eventID;
    // A read of the query side (Express) and a hot route (served ahead of Express), with the same credentials.
    const read = await sys.http().get(`/events/${eventID}`).set(app).set('X-Consistency-Token', booked.body.consistencyToken);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ eventID, title: 'From Thunderbird' });
    const week = await sys.http().get('/events').query({ from: '2030-06-03T00:00:00Z', to: '2030-06-10T00:00:00Z' }).set(app).set('X-Consistency-Token', booked.body.consistencyToken);
    expect(week.status).toBe(200);
    expect(week.body.events.map((e: { eventID: string }) => e.eventID)).toContain(eventID);
    // Typed without the dashes and in capitals, as people do.
    expect((await sys.http().get(`/events/${eventID}`).set(basic(ann.email.toUpperCase(), password.replaceAll('-', '').toUpperCase()))).status).toBe(200);

    expect((await sys.http().delete(`/users/me/app-passwords/${id}`).set(ann.auth)).status).toBe(204);
    await pollUntil(async () => (await sys.http().get(`/events/${eventID}`).set(app)).status === 401, { timeoutMs: 5_000, what: 'the revoked app password refused on reads' });
    const refused = await book(app);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="Datebook"');
    expect((await sys.http().get('/users/me/app-passwords').set(ann.auth)).body).toEqual({ items: [] });
    expect((await sys.http().delete(`/users/me/app-passwords/${id}`).set(ann.auth)).body).toMatchObject({ status: 404, code: 'APP_PASSWORD_NOT_FOUND' });
    expect((await sys.http().delete('/users/me/app-passwords/not-an-id').set(ann.auth)).status).toBe(404);
  });

  it('never takes the account password over Basic, and challenges for the scheme that was tried', async () => {
    const wrong = await sys.http().get('/users/me/calendarList').set(basic(ann.email, TEST_PASSWORD));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="Datebook"');
    expect((await book(basic(ann.email, TEST_PASSWORD))).status).toBe(401);
    const anonymous = await sys.http().get('/users/me/calendarList');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="Datebook"');
    expect((await sys.http().get('/users/me').set({ Authorization: 'Basic !!!' })).status).toBe(401);
  });

  it('cannot be managed with an app password: only a session creates, lists or revokes them', async () => {
    const { id, password } = (await create(ann, 'DAVx5')).body as { id: string; password: string };
    const app = basic(ann.email, password);
    expect((await sys.http().post('/users/me/app-passwords').set(app).send({ name: 'more' })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await sys.http().get('/users/me/app-passwords').set(app)).status).toBe(403);
    expect((await sys.http().delete(`/users/me/app-passwords/${id}`).set(app)).status).toBe(403);
    expect((await sys.http().get('/users/me/app-passwords').set(ann.auth)).body.items).toHaveLength(1);
    expect((await create(ann, '')).body).toMatchObject({ status: 400, errors: [{ path: 'name' }] });
    await sys.http().delete(`/users/me/app-passwords/${id}`).set(ann.auth);
  });

  it('ends with a new account password', async () => {
    const bob = await sys.signUp('Bob');
    const { password } = (await create(bob, 'khal')).body as { password: string };
    const app = basic(bob.email, password);
    expect((await sys.http().get('/users/me/calendarList').set(app)).status).toBe(200);
    expect((await sys.http().post('/users/me/password').set(bob.auth).send({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' })).status).toBe(204);
    await pollUntil(async () => (await sys.http().get('/users/me/calendarList').set(app)).status === 401, { timeoutMs: 5_000, what: 'app passwords ended by the new account password' });
    expect((await sys.http().get('/users/me/app-passwords').set(bob.auth)).body).toEqual({ items: [] });
  });
});
