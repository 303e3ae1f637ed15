import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { DEFAULT_THROTTLE_POLICY, memorySignInThrottle } from './signInThrottle';
import { type AccountsApp, startAccountsApp, uniqueEmail } from './testing/accountsApp';

const PASSWORD = 'a good password';

/** Item 1: online guessing is limited per account and per client address (NIST SP 800-63B §5.2.2). */
describe('sign-in limits over HTTP (in memory, as in the embedded default)', () => {
  let db: SqlDatabase;
  let sys: AccountsApp;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startAccountsApp(db);
  });
  afterAll(async () => {
    await db.close();
  });

  const signIn = (email: string, password: string) => sys.http().post('/sessions').send({ email, password });

  it('blocks an account after 10 wrong passwords in a row: 300 guesses, then the right password, gets 429 with Retry-After', async () => {
    const email = uniqueEmail('ann');
    await sys.signUp(email, PASSWORD);
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await signIn(email, `wrong guess ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([429]));
    const right = await signIn(email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    const retryAfter = Number(right.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(DEFAULT_THROTTLE_POLICY.firstBlockSeconds);
    expect(right.body.retryAfterSeconds).toBe(retryAfter);
  });

  it('blocks an address with no account exactly alike, so a block tells nothing about who has one', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 10; i++) expect((await signIn(nobody, `guess ${i}`)).status).toBe(401);
    expect((await signIn(nobody, 'guess 11')).body.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('starts the count again after a successful sign-in', async () => {
    const email = uniqueEmail('bob');
    await sys.signUp(email, PASSWORD);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(email, `wrong ${round}.${i}`)).status).toBe(401);
      expect((await signIn(email, PASSWORD)).status).toBe(200);
    }
  });

  it('limits failures per client address across accounts, whatever X-Forwarded-For it sends', async () => {
    const limited = await startAccountsApp(db, { throttle: memorySignInThrottle({ ...DEFAULT_THROTTLE_POLICY, maxFailuresPerClient: 5 }) });
    const email = uniqueEmail('cyd');
    await limited.signUp(email, PASSWORD);
    for (let i = 0; i < 5; i++) {
      const res = await limited.http().post('/sessions').set('X-Forwarded-For', `203.0.113.${i}`).send({ email: uniqueEmail(`stranger${i}`), password: 'a wrong password' });
      expect(res.status).toBe(401);
    }
    const blocked = await limited.http().post('/sessions').send({ email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(60);
  });
});

describe('the sign-in throttle', () => {
  it('blocks for longer after each further failure once the limit is reached, and a success clears it', async () => {
    const throttle = memorySignInThrottle({ ...DEFAULT_THROTTLE_POLICY, firstBlockSeconds: 1 });
    const blockedFor = async () => throttle.check('ann@example.com', '192.0.2.1').then(() => 0, (error: { retryAfterSeconds: number }) => error.retryAfterSeconds);
    for (let i = 0; i < 9; i++) await throttle.failed('ann@example.com', '192.0.2.1');
    expect(await blockedFor()).toBe(0);
    await throttle.failed('ANN@example.com ', '192.0.2.1');
    expect(await blockedFor()).toBe(1);
    // Waits for the block to end (a condition, polled), then one more failure blocks twice as long.
    await pollUntil(async () => (await blockedFor()) === 0, { timeoutMs: 5_000, pollMs: 50, what: 'the first block ending' });
    expect(await blockedFor()).toBe(0);
    await throttle.failed('ann@example.com', '192.0.2.1');
    expect(await blockedFor()).toBe(2);
    await throttle.succeeded('ann@example.com');
    expect(await blockedFor()).toBe(0);
  });
});
