import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { startTestSystem, type TestSystem } from './testing/testSystem';

/** Security issue, item 11: guestsCanSeeOtherGuests (Google's field, default true) is honoured in every answer about the event. */
describe('guests who may not see each other', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let host: Awaited<ReturnType<TestSystem['signUp']>>;
  let ann: Awaited<ReturnType<TestSystem['signUp']>>;
  let bob: Awaited<ReturnType<TestSystem['signUp']>>;
  let eventID: string;
  let token: string;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [host, ann, bob] = [await sys.signUp('host'), await sys.signUp('ann'), await sys.signUp('bob')];
    const booked = await sys.http().post('/events').set(host.auth).send({
      title: 'Interviews', startTime: '2030-05-06T09:00:00Z', endTime: '2030-05-06T10:00:00Z', invitedUserIDs: [ann.userID, bob.userID], guestsCanSeeOtherGuests: false,
    });
    expect(booked.status).toBe(201);
    eventID = booked.body.eventID;
    const answered = await sys.http().patch(`/events/${eventID}/invitations`).set(bob.auth).send({ response: 'ACCEPT' });
    token = answered.body.consistencyToken;
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const attendeesSeenBy = async (who: { auth: Record<string, string> }) => {
    const res = await sys.http().get(`/events/${eventID}`).set(who.auth).set('X-Consistency-Token', token);
    expect(res.status).toBe(200);
    return res.body.attendees.map((a: { userID: string }) => a.userID).sort();
  };

  it('shows a guest only the host and themself; the host sees everyone', async () => {
    expect(await attendeesSeenBy(ann)).toEqual([host.userID, ann.userID].sort());
    expect(await attendeesSeenBy(host)).toEqual([host.userID, ann.userID, bob.userID].sort());
  });

  it('leaves the other guests out of a guest’s history', async () => {
    const history = await sys.http().get(`/events/${eventID}/history`).set(ann.auth);
    expect(history.status).toBe(200);
    const mentioned = history.body.history.map((h: { data: { userID?: string } }) => h.data.userID).filter(Boolean);
    expect(mentioned).not.toContain(bob.userID);
    const full = await sys.http().get(`/events/${eventID}/history`).set(host.auth);
    expect(full.body.history.map((h: { data: { userID?: string } }) => h.data.userID)).toContain(bob.userID);
  });

  it('shows everyone again once the host allows it', async () => {
    const changed = await sys.http().put(`/events/${eventID}`).set(host.auth).send({ guestsCanSeeOtherGuests: true });
    expect(changed.status).toBe(200);
    token = changed.body.consistencyToken;
    expect(await attendeesSeenBy(ann)).toEqual([host.userID, ann.userID, bob.userID].sort());
    const history = await sys.http().get(`/events/${eventID}/history`).set(host.auth);
    expect(history.body.history.at(-1)).toMatchObject({ type: 'GuestPermissionsChanged', data: { guestsCanSeeOtherGuests: true } });
  });
});
