import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { type AccountsApp, startAccountsApp, uniqueEmail } from './testing/accountsApp';

const PASSWORD = 'a good password';

/** Item 3: change password, sign out, sign out everywhere, reset by a mailed single-use link; revoked sessions are refused. */
describe('passwords and sessions', () => {
  let db: SqlDatabase;
  let sys: AccountsApp;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startAccountsApp(db);
  });
  afterAll(async () => {
    await db.close();
  });

  const me = (auth: Record<string, string>) => sys.http().get('/users/me').set(auth);
  const signIn = async (email: string, password: string) => {
    const res = await sys.http().post('/sessions').send({ email, password });
    return { status: res.status, auth: { Authorization: `Bearer ${res.body.token}` } };
  };

  it('changes the password given the current one, keeps this session and revokes every other', async () => {
    const email = uniqueEmail('ann');
    const ann = await sys.signUp(email, PASSWORD);
    const other = (await signIn(email, PASSWORD)).auth;
    const wrong = await sys.http().post('/users/me/password').set(ann.auth).send({ currentPassword: 'not the password', newPassword: 'a new passphrase' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'WRONG_PASSWORD', errors: [{ path: 'currentPassword' }] });
    const weak = await sys.http().post('/users/me/password').set(ann.auth).send({ currentPassword: PASSWORD, newPassword: email });
    expect(weak.body).toMatchObject({ status: 400, errors: [{ path: 'newPassword' }] });
    expect((await sys.http().post('/users/me/password').set(ann.auth).send({ currentPassword: PASSWORD, newPassword: 'a new passphrase' })).status).toBe(204);
    expect((await me(ann.auth)).status).toBe(200);
    expect((await me(other)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, 'a new passphrase')).status).toBe(200);
  });

  it('signs out this session only, or every session', async () => {
    const email = uniqueEmail('bob');
    const bob = await sys.signUp(email, PASSWORD);
    const [second, third] = [(await signIn(email, PASSWORD)).auth, (await signIn(email, PASSWORD)).auth];
    expect((await sys.http().delete('/sessions/current').set(bob.auth)).status).toBe(204);
    expect((await me(bob.auth)).status).toBe(401);
    expect((await sys.http().delete('/sessions/current').set(bob.auth)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    expect((await sys.http().delete('/sessions').set(second)).status).toBe(204);
    expect((await me(second)).status).toBe(401);
    expect((await me(third)).status).toBe(401);
    const fresh = await signIn(email, PASSWORD);
    expect((await me(fresh.auth)).status).toBe(200);
  });

  it('resets a password by a single-use link good for one hour; the request answers alike for any address', async () => {
    const email = uniqueEmail('cyd');
    const cyd = await sys.signUp(email, PASSWORD);
    const unknown = await sys.http().post('/password-resets').send({ email: uniqueEmail('nobody') });
    const known = await sys.http().post('/password-resets').send({ email });
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
    expect(known.status).toBe(202);
    // The request is recorded after the answer: wait for it as the notifier would.
    await pollUntil(async () => (await sys.userEvents(cyd.userID)).some((e) => e.type === 'PasswordResetRequested'), { timeoutMs: 5_000, what: 'the reset request recorded' });
    const expiring = await sys.mailedLink(cyd.userID, 'password-reset');
    sys.advance(3_600_001);
    expect((await sys.http().post(`/password-resets/${expiring}`).send({ newPassword: 'too late passphrase' })).body).toMatchObject({ status: 400, code: 'INVALID_LINK' });
    await sys.http().post('/password-resets').send({ email });
    await pollUntil(async () => (await sys.userEvents(cyd.userID)).filter((e) => e.type === 'PasswordResetRequested').length >= 2, { timeoutMs: 5_000, what: 'the second reset request recorded' });
    const link = await sys.mailedLink(cyd.userID, 'password-reset');
    expect((await sys.http().post(`/password-resets/${link}`).send({ newPassword: '1234567890' })).body.errors).toEqual([expect.objectContaining({ path: 'newPassword' })]);
    expect((await sys.http().post(`/password-resets/${link}`).send({ newPassword: 'a reset passphrase' })).status).toBe(204);
    expect((await sys.http().post(`/password-resets/${link}`).send({ newPassword: 'another reset phrase' })).body.code).toBe('INVALID_LINK');
    expect((await sys.http().post('/password-resets/not.a.token').send({ newPassword: 'a reset passphrase' })).body).toMatchObject({ code: 'INVALID_LINK', errors: [{ path: 'token' }] });
    expect((await me(cyd.auth)).status).toBe(401);
    expect((await signIn(email, 'a reset passphrase')).status).toBe(200);
    // A session token is no link, and a link is no session.
    expect((await sys.http().post(`/password-resets/${cyd.token}`).send({ newPassword: 'a reset passphrase 2' })).body.code).toBe('INVALID_LINK');
    expect((await me({ Authorization: `Bearer ${link}` })).status).toBe(401);
    expect(sys.backgroundErrors).toEqual([]);
  });

  it('verifies the address with the mailed link once; GET /users/me shows it', async () => {
    const email = uniqueEmail('dan');
    const dan = await sys.signUp(email, PASSWORD);
    expect((await me(dan.auth)).body.emailVerified).toBe(false);
    const link = await sys.mailedLink(dan.userID, 'verify-email');
    expect((await sys.http().post(`/users/verify-email/${link}`)).status).toBe(204);
    expect((await me(dan.auth)).body.emailVerified).toBe(true);
    expect((await sys.http().post(`/users/verify-email/${link}`)).body).toMatchObject({ status: 400, code: 'INVALID_LINK' });
    expect((await sys.userEvents(dan.userID)).filter((e) => e.type === 'EmailVerified')).toHaveLength(1);
  });
});
