import { randomUUID } from 'node:crypto';
import { parseUserEvent, streamName } from '@datebook/shared-kernel';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { verifyPassword } from './passwordHash';
import { type AccountsApp, startAccountsApp, uniqueEmail } from './testing/accountsApp';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function eventCount(db: SqlDatabase): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*)::text as n from es_events');
  return Number(rows[0]?.n ?? 0);
}

describe('sign-up', () => {
  let db: SqlDatabase;
  let sys: AccountsApp;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startAccountsApp(db);
  });
  afterAll(async () => {
    await db.close();
  });

  /** Item 2: the password rules at sign-up, named by field, with nothing appended. */
  it('refuses a short, common or self-naming password with 400 naming `password`, appending nothing', async () => {
    const before = await eventCount(db);
    for (const [password, userName] of [['too short', 'Ann'], ['qwertyuiop', 'Ann'], ['Ann Smith The Great', 'ann smith the great']] as const) {
      const res = await sys.http().post('/users').send({ userName, email: uniqueEmail('ann'), password });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'password' }] });
    }
    expect(await eventCount(db)).toBe(before);
  });

  /** Item 6: a taken address is answered exactly as a new one, in similar time, and its owner is told instead. */
  it('answers a taken address as a new one: same status, body and headers, similar time; the owner gets a SignUpAttempted', async () => {
    const taken = uniqueEmail('owner');
    const owner = await sys.signUp(taken, 'the owner password');
    const strip = (headers: Record<string, string>) => {
      const { date: _date, 'x-correlation-id': _id, ...rest } = headers;
      return rest;
    };
    const newAnswers = [];
    const takenAnswers = [];
    for (let i = 0; i < 5; i++) {
      let t0 = performance.now();
      const fresh = await sys.http().post('/users').send({ userName: 'Someone', email: uniqueEmail('fresh'), password: 'someone else password' });
      newAnswers.push({ ms: performance.now() - t0, status: fresh.status, body: fresh.body, headers: strip(fresh.headers) });
      t0 = performance.now();
      const again = await sys.http().post('/users').send({ userName: 'Someone', email: taken.toUpperCase(), password: 'someone else password' });
      takenAnswers.push({ ms: performance.now() - t0, status: again.status, body: again.body, headers: strip(again.headers) });
    }
    expect(takenAnswers.map(({ ms: _ms, ...rest }) => rest)).toEqual(newAnswers.map(({ ms: _ms, ...rest }) => rest));
    expect(newAnswers[0]).toMatchObject({ status: 202, body: { status: 'verification_sent' } });
    // Both hash the password (scrypt, tens of ms): a taken address is not answered in a fraction of the time.
    expect(median(takenAnswers.map((a) => a.ms))).toBeGreaterThan(median(newAnswers.map((a) => a.ms)) / 2);
    const attempts = (await sys.userEvents(owner.userID)).filter((e) => e.type === 'SignUpAttempted');
    expect(attempts).toHaveLength(1); // one mail per 15 minutes, however many attempts
    expect((await sys.http().post('/sessions').send({ email: taken, password: 'someone else password' })).status).toBe(401);
    expect((await sys.http().post('/sessions').send({ email: taken, password: 'the owner password' })).status).toBe(200);
  });

  it('completes an interrupted registration with the claimant’s own data, never a later caller’s password', async () => {
    const email = uniqueEmail('interrupted');
    const userID = randomUUID();
    const claimantHash = (await sys.store.readStream(streamName('User', (await sys.signUp(uniqueEmail('template'), 'the claimant password')).userID))).events[0]?.data as { passwordHash: string };
    const metadata = { actorID: userID, occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
    await sys.store.appendToStream(streamName('UserEmail', email), [{
      eventID: randomUUID(), type: 'EmailClaimed', data: { email, userID, registration: { userName: 'Claimant', passwordHash: claimantHash.passwordHash, timeZone: 'UTC' } }, metadata,
    }], 'no_stream');
    expect((await sys.http().post('/users').send({ userName: 'Later', email, password: 'the later password' })).status).toBe(202);
    expect((await sys.http().post('/sessions').send({ email, password: 'the later password' })).status).toBe(401);
    const signedIn = await sys.http().post('/sessions').send({ email, password: 'the claimant password' });
    expect(signedIn.body.userID).toBe(userID);
  });
});

/** Item 4: two simultaneous sign-ups with one address: one registers, with its own password; the other is told as for a taken address. */
describe.each([
  ['PGlite', async () => ({ db: await pgliteSqlDatabase(), drop: async () => undefined })],
  ['PostgreSQL', async () => {
    const testDb: TestDatabase = await createTestDatabase();
    return { db: pgSqlDatabase({ connectionString: testDb.url, max: 10 }) as SqlDatabase, drop: () => testDb.drop() };
  }],
])('concurrent sign-ups with one address on %s', (_label, open) => {
  let db: SqlDatabase;
  let drop: () => Promise<void>;
  let sys: AccountsApp;
  beforeAll(async () => {
    ({ db, drop } = await open());
    sys = await startAccountsApp(db);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('lets exactly one password work, the one whose claim won, and tells the owner of the other attempt', async () => {
    for (let round = 0; round < 4; round++) {
      const email = uniqueEmail(`race${round}`);
      const passwords = [`first password ${round}`, `second password ${round}`];
      const answers = await Promise.all(passwords.map((password, i) => sys.http().post('/users').send({ userName: `Racer ${i}`, email, password })));
      expect(answers.map((a) => [a.status, a.body])).toEqual([[202, answers[0]?.body], [202, answers[0]?.body]]);
      const signIns = await Promise.all(passwords.map((password) => sys.http().post('/sessions').send({ email, password })));
      expect(signIns.map((s) => s.status).sort()).toEqual([200, 401]);
      const winner = passwords[signIns.findIndex((s) => s.status === 200)] as string;
      const [claimed] = (await sys.store.readStream(streamName('UserEmail', email))).events;
      const claim = claimed && parseUserEvent(claimed);
      expect(claim?.type === 'EmailClaimed' && claim.data.registration && (await verifyPassword(winner, claim.data.registration.passwordHash))).toBe(true);
      const ownerID = signIns.find((s) => s.status === 200)?.body.userID as string;
      expect((await sys.userEvents(ownerID)).map((e) => e.type)).toEqual(['UserRegistered', 'EmailVerificationRequested', 'SignUpAttempted']);
    }
  });
});
