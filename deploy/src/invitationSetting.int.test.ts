import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

/**
 * Security issue, item 12: Google's "add invitations to my calendar". A stranger's invitations cannot fill
 * someone's week or mark them busy unless that person lets them; known senders and answers still count.
 */
describe('add invitations to my calendar', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  type User = Awaited<ReturnType<TestSystem['signUp']>>;
  let victim: User;
  let stranger: User;
  let friend: User;
  let token = '';

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [victim, stranger, friend] = [await sys.signUp('victim'), await sys.signUp('stranger'), await sys.signUp('friend')];
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const setting = async (addInvitations: string) => {
    const res = await sys.http().patch('/users/me').set(victim.auth).send({ addInvitations });
    expect(res.status).toBe(200);
    expect(res.body.addInvitations).toBe(addInvitations);
    token = res.headers['x-consistency-token'] ?? '';
  };
  const invite = async (host: User, hour: number) => {
    const res = await sys.http().post('/events').set(host.auth)
      .send({ title: `from ${hour}`, startTime: `2030-09-02T${String(hour).padStart(2, '0')}:00:00Z`, endTime: `2030-09-02T${String(hour).padStart(2, '0')}:30:00Z`, invitedUserIDs: [victim.userID] });
    expect(res.status).toBe(201);
    token = res.body.consistencyToken;
    return res.body.eventID as string;
  };
  /** With the last write's token (read model), or without (the views' path). */
  const week = async (waitForLastWrite = true) => {
    const req = sys.http().get('/events').query({ from: '2030-09-02T00:00:00Z', to: '2030-09-03T00:00:00Z' }).set(victim.auth);
    const res = await (waitForLastWrite ? req.set('X-Consistency-Token', token) : req);
    expect(res.status).toBe(200);
    return res.body.events.map((e: { title: string }) => e.title).sort();
  };
  // Settings are remembered for a few seconds per process: wait for the read to reflect one (never a fixed sleep).
  const eventually = async (read: () => Promise<unknown>, expected: unknown) => {
    let value: unknown;
    await pollUntil(async () => JSON.stringify((value = await read())) === JSON.stringify(expected), {
      timeoutMs: 10_000, pollMs: 50, what: () => `${JSON.stringify(expected)} read (last: ${JSON.stringify(value)})`,
    });
    expect(value).toEqual(expected);
  };
  const busyAt = async (hour: number) => {
    const at = `2030-09-02T${String(hour).padStart(2, '0')}`;
    const res = await sys.http().patch('/events/availability').set(stranger.auth).send({ userID: victim.userID, startTime: `${at}:00:00Z`, endTime: `${at}:30:00Z` });
    return !res.body.available;
  };

  it('adds every invitation by default (pending, and busy)', async () => {
    await invite(stranger, 8);
    expect(await week()).toEqual(['from 8']);
    await eventually(() => busyAt(8), true);
  });

  it('with knownSenders: a stranger’s pending invitations stay out of the week and of busy time; the invitation itself still reaches them', async () => {
    const friendly = await invite(friend, 7);
    const answered = await sys.http().patch(`/events/${friendly}/invitations`).set(victim.auth).send({ response: 'ACCEPT' });
    expect(answered.status).toBe(200);
    await setting('knownSenders');
    const unwanted = await invite(stranger, 9);
    const fromFriend = await invite(friend, 10);
    await eventually(week, ['from 10', 'from 7']);
    await eventually(() => week(false), ['from 10', 'from 7']);
    await eventually(() => busyAt(9), false);
    await eventually(() => busyAt(8), false);
    expect(await busyAt(10)).toBe(true);
    const freeBusy = await sys.http().post('/freebusy').set(stranger.auth).send({ userIDs: [victim.userID], from: '2030-09-02T08:00:00Z', to: '2030-09-02T10:00:00Z' });
    expect(freeBusy.body.users[0].busy).toEqual([]);
    expect((await sys.http().get(`/events/${unwanted}`).set(victim.auth)).status).toBe(200);
    expect(fromFriend).toBeDefined();

    // Answering puts it in; and the sender is known from then on, so their earlier invitation shows too.
    const accepted = await sys.http().patch(`/events/${unwanted}/invitations`).set(victim.auth).send({ response: 'TENTATIVE' });
    token = accepted.body.consistencyToken;
    await eventually(week, ['from 10', 'from 7', 'from 8', 'from 9']);
  });

  it('with whenResponded: no pending invitation at all, even from a known sender', async () => {
    await setting('whenResponded');
    await invite(friend, 11);
    await eventually(week, ['from 7', 'from 9']);
    await eventually(() => busyAt(11), false);
  });

  it('refuses an unknown setting naming the field', async () => {
    const res = await sys.http().patch('/users/me').set(victim.auth).send({ addInvitations: 'nobody' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('addInvitations');
  });
});
