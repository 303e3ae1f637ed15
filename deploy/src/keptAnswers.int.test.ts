import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { linkTokenMailedTo } from './testing/accountMail';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Item { eventID: string; calendarID: string; accessRole: string; busy?: boolean; title?: string }

/**
 * Week views are kept beside the stamps they were built under (query-api keptAnswers.ts). Each class of
 * change that alters what a person sees must reach their next view: at once for rights (a revocation, a
 * role, their own list's settings, a deleted calendar), within the projection's lag for data (events,
 * new grants). Each step compares the kept path (a view by date) with a fresh build of the same week
 * (the paged path, never kept).
 */
describe('kept week views follow every change that alters them', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, eve: Person;
  let family: string;
  const week = { date: '2030-06-05', timeZone: 'UTC' };
  const window = { from: '2030-06-03T00:00:00Z', to: '2030-06-10T00:00:00Z', maxResults: '2500' };

  const kept = async (who: Person): Promise<Item[]> => {
    const res = await sys.http().get('/events').query(week).set(who.auth);
    expect(res.status).toBe(200);
    return res.body.events;
  };
  const fresh = async (who: Person): Promise<Item[]> => {
    const res = await sys.http().get('/events').query(window).set(who.auth);
    expect(res.status).toBe(200);
    return res.body.events;
  };
  /** The kept path answers as a fresh build does; read twice so the second is the kept answer when there is one. */
  const expectCurrent = async (who: Person) => {
    const first = await kept(who);
    expect(first).toEqual(await fresh(who));
    expect(await kept(who)).toEqual(first);
    return first;
  };
  const book = async (who: Person, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(who.auth).send({ startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T19:00:00Z', ...body });
    expect(res.status).toBe(201);
    return res.body.eventID as string;
  };
  const seenOn = async (who: Person, calendarID: string) => (await kept(who)).filter((item) => item.calendarID === calendarID);

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, eve] = [await sys.signUp('ann'), await sys.signUp('eve')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
    family = created.body.calendarID;
    await book(ann, { calendarID: family, title: 'Dinner' });
    expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', userID: eve.userID } })).status).toBe(201);
    await pollUntil(async () => (await seenOn(eve, family)).length === 1, { timeoutMs: 10_000, what: 'the grant and the dinner in Eve’s view' });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('shows a new event on a shared calendar within the projection’s lag, and its change and cancellation', async () => {
    await expectCurrent(eve);
    const picnic = await book(ann, { calendarID: family, title: 'Picnic', startTime: '2030-06-06T10:00:00Z', endTime: '2030-06-06T12:00:00Z' });
    await pollUntil(async () => (await seenOn(eve, family)).some((item) => item.eventID === picnic), { timeoutMs: 10_000, what: 'the picnic' });
    await expectCurrent(eve);
    expect((await sys.http().put(`/events/${picnic}`).set(ann.auth).send({ title: 'Picnic by the lake' })).status).toBe(200);
    await pollUntil(async () => (await seenOn(eve, family)).some((item) => item.title === 'Picnic by the lake'), { timeoutMs: 10_000, what: 'the new title' });
    expect((await sys.http().delete(`/events/${picnic}`).set(ann.auth)).status).toBe(204);
    await pollUntil(async () => !(await seenOn(eve, family)).some((item) => item.eventID === picnic), { timeoutMs: 10_000, what: 'the picnic gone' });
    await expectCurrent(eve);
  });

  it('applies a role change and a revocation on the very next view, and a new grant within the projection’s lag', async () => {
    const ruleID = encodeURIComponent(`user:${eve.userID}`);
    expect(await expectCurrent(eve)).toEqual(expect.arrayContaining([expect.objectContaining({ calendarID: family, accessRole: 'reader', title: 'Dinner' })]));
    expect((await sys.http().patch(`/calendars/${family}/acl/${ruleID}`).set(ann.auth).send({ role: 'freeBusyReader' })).status).toBe(200);
    expect(await seenOn(eve, family)).toEqual([expect.objectContaining({ busy: true, accessRole: 'freeBusyReader' })]);
    await expectCurrent(eve);

    expect((await sys.http().delete(`/calendars/${family}/acl/${ruleID}`).set(ann.auth)).status).toBe(204);
    expect(await seenOn(eve, family)).toEqual([]);
    await expectCurrent(eve);

    // Granted again: it reaches Eve's list through the read model.
    expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', email: eve.email } })).status).toBe(201);
    await pollUntil(async () => (await seenOn(eve, family)).length === 1, { timeoutMs: 10_000, what: 'the new grant in Eve’s view' });
    await expectCurrent(eve);
  });

  it('gives a calendar shared with an address to the person once that address is confirmed theirs', async () => {
    const fay = await sys.signUp('fay', { verify: false });
    expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', email: fay.email } })).status).toBe(201);
    expect(await seenOn(fay, family)).toEqual([]);
    expect(await seenOn(fay, family)).toEqual([]);
    const link = await linkTokenMailedTo(sys.mailDir, fay.email, '/users/verify-email/');
    expect((await sys.http().post(`/users/verify-email/${link}`)).status).toBe(204);
    await pollUntil(async () => (await seenOn(fay, family)).length === 1, { timeoutMs: 10_000, what: 'the calendar shared with Fay’s address in her view' });
    await expectCurrent(fay);
  });

  it('applies the person’s own list settings on the very next view', async () => {
    expect(await seenOn(eve, family)).toHaveLength(1);
    expect((await sys.http().patch(`/users/me/calendarList/${family}`).set(eve.auth).send({ selected: false })).status).toBe(200);
    expect(await seenOn(eve, family)).toEqual([]);
    expect((await sys.http().patch(`/users/me/calendarList/${family}`).set(eve.auth).send({ selected: true })).status).toBe(200);
    expect(await seenOn(eve, family)).toHaveLength(1);
    await expectCurrent(eve);
  });

  it('shows a calendar the person just made, with its events, within the projection’s lag', async () => {
    await expectCurrent(eve);
    const created = await sys.http().post('/calendars').set(eve.auth).send({ summary: 'Running club' });
    expect(created.status).toBe(201);
    const run = await book(eve, { calendarID: created.body.calendarID, title: 'Long run', startTime: '2030-06-08T07:00:00Z', endTime: '2030-06-08T09:00:00Z' });
    await pollUntil(async () => (await kept(eve)).some((item) => item.eventID === run), { timeoutMs: 10_000, what: 'the new calendar’s event in Eve’s week' });
    await expectCurrent(eve);
  });

  it('leaves out a stranger’s invitation once the person adds only invitations from known senders', async () => {
    const gus = await sys.signUp('gus');
    const party = await book(gus, { title: 'Party', startTime: '2030-06-07T20:00:00Z', endTime: '2030-06-07T23:00:00Z', invitedUserIDs: [eve.userID] });
    await pollUntil(async () => (await kept(eve)).some((item) => item.eventID === party), { timeoutMs: 10_000, what: 'Gus’s invitation in Eve’s week' });
    expect((await sys.http().patch('/users/me').set(eve.auth).send({ addInvitations: 'knownSenders' })).status).toBe(200);
    await pollUntil(async () => !(await kept(eve)).some((item) => item.eventID === party), { timeoutMs: 10_000, what: 'Gus’s invitation out of Eve’s week' });
    await expectCurrent(eve);
    expect((await sys.http().patch('/users/me').set(eve.auth).send({ addInvitations: 'everyone' })).status).toBe(200);
    await pollUntil(async () => (await kept(eve)).some((item) => item.eventID === party), { timeoutMs: 10_000, what: 'Gus’s invitation back' });
  });

  it('drops a deleted calendar from the very next view', async () => {
    expect(await seenOn(eve, family)).toHaveLength(1);
    expect((await sys.http().delete(`/calendars/${family}`).set(ann.auth)).status).toBe(204);
    expect(await seenOn(eve, family)).toEqual([]);
    expect(await seenOn(ann, family)).toEqual([]);
    await expectCurrent(eve);
  });
});
