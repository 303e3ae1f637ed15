import { createHash } from 'node:crypto';
import { type HostileTarget, startHostileTarget } from './hostileHarness';

/** Security issue, items 5, 6 and 13: what a removed guest, a guesser and a pre-claimer can still do (nothing). */
describe('hostile: access and ids', () => {
  let t: HostileTarget;
  beforeAll(async () => {
    t = await startHostileTarget();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('item 5: a removed invitee reads nothing of the event any more, history included', async () => {
    const booked = await t.sys.http().post('/events').set(t.canaryHost.auth)
      .send({ title: 'secret plans', startTime: '2030-02-01T10:00:00Z', endTime: '2030-02-01T11:00:00Z', invitedUserIDs: [t.attacker.userID] });
    expect(booked.status).toBe(201);
    const removed = await t.sys.http().put(`/events/${booked.body.eventID}`).set(t.canaryHost.auth).send({ invitedUserIDs: [], title: 'secret plans v2' });
    expect(removed.status).toBe(200);
    await t.expectRefused(() => t.sys.http().get(`/events/${booked.body.eventID}/history`).set(t.attacker.auth), { status: 404, code: 'EVENT_NOT_FOUND' });
    await t.expectRefused(
      () => t.sys.http().get(`/events/${booked.body.eventID}`).set(t.attacker.auth).set('X-Consistency-Token', removed.body.consistencyToken),
      { status: 404, code: 'EVENT_NOT_FOUND' },
    );
  });

  it('item 6: wrong passwords in a row are stopped with 429 and Retry-After, and stay stopped for the right one', async () => {
    // A guesser of their own: the suite's attacker stays able to sign in for the other cases.
    const { email } = await t.sys.signUp('guesser');
    for (let i = 0; i < 10; i += 1) {
      expect((await t.sys.http().post('/sessions').send({ email, password: `wrong password ${i}` })).status).toBe(401);
    }
    const blocked = await t.expectRefused(() => t.sys.http().post('/sessions').send({ email, password: 'a good password' }), { status: 429, code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('item 13: a guest cannot claim the id of a series split before the host makes it', async () => {
    const series = await t.sys.http().post('/events').set(t.canaryHost.auth).send({
      title: 'weekly', startTime: '2030-03-04T09:00', duration: 'PT30M', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'], invitedUserIDs: [t.attacker.userID],
    });
    expect(series.status).toBe(201);
    const seriesID: string = series.body.eventID;
    const originalStart = '2030-03-18T08:00:00.000Z';
    // The id the old build derived from what every guest knows, claimed first by the guest.
    const hash = createHash('sha256').update(`split\u0000${seriesID}\u0000${originalStart}`).digest('hex');
    const predictable = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
    const claimed = await t.sys.http().post('/events').set(t.attacker.auth).send({ eventID: predictable, title: 'mine', startTime: '2030-03-18T09:00:00Z', endTime: '2030-03-18T10:00:00Z' });
    expect(claimed.status).toBe(201);

    const split = await t.sys.http().put(`/events/${seriesID}/occurrences/${originalStart}`).set(t.canaryHost.auth).send({ scope: 'following', location: 'Room 9' });
    expect(split.status).toBe(201);
    expect(split.body.eventID).not.toBe(predictable);
    const continuation = await t.sys.http().get(`/events/${split.body.eventID}`).set(t.canaryHost.auth).set('X-Consistency-Token', split.body.consistencyToken);
    expect(continuation.body).toMatchObject({ userID: t.canaryHost.userID, location: 'Room 9' });
    // A retry is still a no-op answered with the same new series.
    const again = await t.sys.http().put(`/events/${seriesID}/occurrences/${originalStart}`).set(t.canaryHost.auth).send({ scope: 'following', location: 'Room 9' });
    expect(again.body.eventID).toBe(split.body.eventID);
  });
});
