import { randomBytes } from 'node:crypto';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { linkTokenMailedTo } from '../../../deploy/src/testing/accountMail';
import { startTestSystem, TEST_PASSWORD, type TestSystem } from '../../../deploy/src/testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
type Scope = { type: 'user'; userID: string } | { type: 'user'; email: string } | { type: 'default' };

/**
 * The calendar reads over the whole embedded system's HTTP API: calendars are made, shared and revoked
 * through the command side, and read back through the query side, which reads the event store itself.
 */
describe('reading calendars, their sharing rules and their history', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person;
  let wes: Person;
  let rea: Person;
  let fay: Person;
  let sam: Person;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    // Ann owns; Wes writes, Rea reads, Fay sees free/busy; Sam is a stranger to Ann's calendars.
    [ann, wes, rea, fay, sam] = [await sys.signUp('ann'), await sys.signUp('wes'), await sys.signUp('rea'), await sys.signUp('fay'), await sys.signUp('sam')];
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  async function createCalendar(owner: Person, summary: string): Promise<string> {
    const created = await sys.http().post('/calendars').set(owner.auth).send({ summary, description: `${summary} things`, timeZone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    return created.body.calendarID;
  }
  async function share(owner: Person, calendarID: string, scope: Scope, role: string): Promise<string> {
    const shared = await sys.http().post(`/calendars/${calendarID}/acl`).set(owner.auth).send({ role, scope });
    expect(shared.status).toBe(201);
    return shared.body.ruleID;
  }
  const get = (who: Person, path: string) => sys.http().get(path).set(who.auth);
  const statusOf = async (who: Person, path: string) => {
    const res = await get(who, path);
    return { status: res.status, code: res.body.code };
  };
  const readsOf = (calendarID: string) => [`/calendars/${calendarID}`, `/calendars/${calendarID}/acl`, `/calendars/${calendarID}/history`];
  const notFound = { status: 404, code: 'CALENDAR_NOT_FOUND' };
  const notOwner = { status: 403, code: 'NOT_OWNER' };

  /** Ann's "Family" calendar shared with Wes (writer), Rea (reader, by her address) and Fay (free/busy). */
  async function sharedFamilyCalendar(): Promise<string> {
    const calendarID = await createCalendar(ann, 'Family');
    await share(ann, calendarID, { type: 'user', userID: wes.userID }, 'writer');
    await share(ann, calendarID, { type: 'user', email: rea.email }, 'reader');
    await share(ann, calendarID, { type: 'user', userID: fay.userID }, 'freeBusyReader');
    return calendarID;
  }

  it('shows the owner the calendar, its rules (strongest first) and its history in order', async () => {
    const calendarID = await sharedFamilyCalendar();

    const calendar = await get(ann, `/calendars/${calendarID}`);
    expect(calendar.status).toBe(200);
    expect(calendar.headers['cache-control']).toBe('private, no-cache');
    expect(calendar.body).toEqual({ calendarID, summary: 'Family', description: 'Family things', timeZone: 'Europe/Berlin', primary: false, accessRole: 'owner' });

    const acl = await get(ann, `/calendars/${calendarID}/acl`);
    expect(acl.status).toBe(200);
    // Rea was shared with by her (verified) address, which names her account: a user rule, shown by id only.
    expect(acl.body).toEqual({
      items: [
        { ruleID: `user:${ann.userID}`, role: 'owner', scope: { type: 'user', userID: ann.userID } },
        { ruleID: `user:${wes.userID}`, role: 'writer', scope: { type: 'user', userID: wes.userID } },
        { ruleID: `user:${rea.userID}`, role: 'reader', scope: { type: 'user', userID: rea.userID } },
        { ruleID: `user:${fay.userID}`, role: 'freeBusyReader', scope: { type: 'user', userID: fay.userID } },
      ],
    });

    const history = await get(ann, `/calendars/${calendarID}/history`);
    expect(history.status).toBe(200);
    expect(history.body.calendarID).toBe(calendarID);
    const items: { type: string; at: string; actorID: string; version: number; data: Record<string, unknown> }[] = history.body.items;
    expect(items.map((i) => i.type)).toEqual(['CalendarCreated', 'AccessGranted', 'AccessGranted', 'AccessGranted']);
    expect(items.every((i) => i.actorID === ann.userID && !Number.isNaN(Date.parse(i.at)))).toBe(true);
    expect(items.map((i) => i.version)).toEqual([...items.map((i) => i.version)].sort((a, b) => a - b));
    expect(new Set(items.map((i) => i.version)).size).toBe(4);
    expect(items.slice(1).map((i) => [i.data.scope, i.data.role, i.data.grantedBy])).toEqual([
      [{ type: 'user', userID: wes.userID }, 'writer', ann.userID],
      [{ type: 'user', userID: rea.userID }, 'reader', ann.userID],
      [{ type: 'user', userID: fay.userID }, 'freeBusyReader', ann.userID],
    ]);
  });

  it('shows the calendar to writers, readers and free/busy readers with their role, but its rules and history to owners only', async () => {
    const calendarID = await sharedFamilyCalendar();
    for (const [who, role] of [[wes, 'writer'], [rea, 'reader'], [fay, 'freeBusyReader']] as const) {
      const calendar = await get(who, `/calendars/${calendarID}`);
      expect(calendar.status).toBe(200);
      expect(calendar.body).toMatchObject({ calendarID, summary: 'Family', accessRole: role });
      expect(await statusOf(who, `/calendars/${calendarID}/acl`)).toEqual(notOwner);
      expect(await statusOf(who, `/calendars/${calendarID}/history`)).toEqual(notOwner);
    }
  });

  it('tells a stranger nothing, not even that the calendar exists; nor anyone about an id that names no calendar', async () => {
    const calendarID = await sharedFamilyCalendar();
    for (const path of readsOf(calendarID)) expect(await statusOf(sam, path)).toEqual(notFound);
    for (const path of readsOf('5a1d7c2e-0b9f-4e61-9c1a-3d2f4b6a8e10')) expect(await statusOf(ann, path)).toEqual(notFound);
  });

  it('applies a revocation and a changed role to the very next read, with no waiting', async () => {
    const calendarID = await sharedFamilyCalendar();
    expect((await get(rea, `/calendars/${calendarID}`)).body.accessRole).toBe('reader');
    expect((await sys.http().delete(`/calendars/${calendarID}/acl/user:${rea.userID}`).set(ann.auth)).status).toBe(204);
    for (const path of readsOf(calendarID)) expect(await statusOf(rea, path)).toEqual(notFound);

    expect((await sys.http().patch(`/calendars/${calendarID}/acl/user:${wes.userID}`).set(ann.auth).send({ role: 'owner' })).status).toBe(200);
    expect((await get(wes, `/calendars/${calendarID}`)).body.accessRole).toBe('owner');
    expect((await get(wes, `/calendars/${calendarID}/acl`)).status).toBe(200);
    expect((await sys.http().patch(`/calendars/${calendarID}/acl/user:${wes.userID}`).set(ann.auth).send({ role: 'reader' })).status).toBe(200);
    expect(await statusOf(wes, `/calendars/${calendarID}/acl`)).toEqual(notOwner);
  });

  it('reads a primary calendar nobody wrote: its owner owns it (also as `primary`), everyone else sees free/busy', async () => {
    const owner = await sys.signUp('olga');
    const own = await get(owner, '/calendars/primary');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ calendarID: owner.userID, summary: 'olga', description: null, timeZone: expect.any(String), primary: true, accessRole: 'owner' });
    expect((await get(owner, `/calendars/${owner.userID}`)).body).toEqual(own.body);
    expect((await get(owner, '/calendars/primary/acl')).body).toEqual({
      items: [
        { ruleID: `user:${owner.userID}`, role: 'owner', scope: { type: 'user', userID: owner.userID } },
        { ruleID: 'default', role: 'freeBusyReader', scope: { type: 'default' } },
      ],
    });
    expect((await get(owner, '/calendars/primary/history')).body).toEqual({ calendarID: owner.userID, items: [] });

    // The default rule: any other signed-in person sees it as a free/busy reader, and no more.
    expect((await get(sam, `/calendars/${owner.userID}`)).body).toMatchObject({ calendarID: owner.userID, primary: true, accessRole: 'freeBusyReader' });
    expect(await statusOf(sam, `/calendars/${owner.userID}/acl`)).toEqual(notOwner);
    expect(await statusOf(sam, `/calendars/${owner.userID}/history`)).toEqual(notOwner);
    // `primary` is always the caller's own calendar, never someone else's.
    expect((await get(sam, '/calendars/primary')).body).toMatchObject({ calendarID: sam.userID, accessRole: 'owner' });
  });

  it("records a primary calendar's first change in its history, and reads it through `primary`", async () => {
    const owner = await sys.signUp('pia');
    await share(owner, 'primary', { type: 'user', userID: rea.userID }, 'reader');
    expect((await get(rea, `/calendars/${owner.userID}`)).body.accessRole).toBe('reader');
    const history = await get(owner, '/calendars/primary/history');
    expect(history.body.items.map((i: { type: string; actorID: string }) => [i.type, i.actorID])).toEqual([['CalendarCreated', owner.userID], ['AccessGranted', owner.userID]]);
    expect(history.body.items[0].data).toMatchObject({ calendarID: owner.userID, ownerID: owner.userID, primary: true });
  });

  it('shows a rule for an address with no account as a user scope with that address; it opens the calendar once the address is verified', async () => {
    const calendarID = await createCalendar(ann, 'Book club');
    const email = `newcomer.${randomBytes(4).toString('hex')}@example.com`;
    const ruleID = await share(ann, calendarID, { type: 'user', email }, 'reader');
    const acl = await get(ann, `/calendars/${calendarID}/acl`);
    expect(acl.body.items).toContainEqual({ ruleID, role: 'reader', scope: { type: 'user', email } });
    expect(acl.body.items.find((i: { ruleID: string }) => i.ruleID === ruleID).scope).toEqual({ type: 'user', email });

    // Whoever signs up with the address sees nothing until they prove it is theirs, then the rule applies.
    expect((await sys.http().post('/users').send({ userName: 'Newcomer', email, password: TEST_PASSWORD })).status).toBe(202);
    const session = await sys.http().post('/sessions').send({ email, password: TEST_PASSWORD });
    expect(session.status).toBe(200);
    const newcomer = { auth: { Authorization: `Bearer ${session.body.token}` } } as Person;
    expect(await statusOf(newcomer, `/calendars/${calendarID}`)).toEqual(notFound);
    const link = await linkTokenMailedTo(sys.mailDir, email, '/users/verify-email/');
    expect((await sys.http().post(`/users/verify-email/${link}`)).status).toBe(204);
    expect((await get(newcomer, `/calendars/${calendarID}`)).body).toMatchObject({ calendarID, accessRole: 'reader' });
  });

  it('answers 404 about a deleted calendar, to its owner and to those it was shared with', async () => {
    const calendarID = await createCalendar(ann, 'Old team');
    await share(ann, calendarID, { type: 'user', userID: wes.userID }, 'writer');
    expect((await get(wes, `/calendars/${calendarID}`)).status).toBe(200);
    expect((await sys.http().delete(`/calendars/${calendarID}`).set(ann.auth)).status).toBe(204);
    for (const path of readsOf(calendarID)) {
      expect(await statusOf(ann, path)).toEqual(notFound);
      expect(await statusOf(wes, path)).toEqual(notFound);
    }
  });

  it('refuses a malformed calendar id with 400 naming calendarID, and an unsigned request with 401', async () => {
    for (const path of readsOf('not-a-calendar')) {
      const res = await get(ann, path);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'calendarID' })]);
    }
    for (const path of readsOf('primary')) expect((await sys.http().get(path)).status).toBe(401);
  });
});
