import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Item { eventID: string; calendarID: string; accessRole: string; busy?: boolean; title?: string }

/** The README's walk-through: Ann's "Family" calendar shared with Bob (writer), Cyd (free/busy) and Eve (reader). */
describe('calendars shared with family and friends', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, cyd: Person, eve: Person, stranger: Person;
  let family: string;
  let dinner: string;
  const week = { from: '2030-06-03T00:00:00Z', to: '2030-06-10T00:00:00Z' };

  const view = async (who: Person, query: Record<string, string> = {}): Promise<Item[]> => {
    const res = await sys.http().get('/events').query({ ...week, ...query }).set(who.auth);
    expect(res.status).toBe(200);
    return res.body.events;
  };
  const familyItems = async (who: Person) => (await view(who)).filter((item) => item.calendarID === family);

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, cyd, eve, stranger] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('cyd'), await sys.signUp('eve'), await sys.signUp('stranger')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
    expect(created.status).toBe(201);
    family = created.body.calendarID;
    const shares = [
      { role: 'writer', scope: { type: 'user', email: bob.email.toUpperCase() } },
      { role: 'freeBusyReader', scope: { type: 'user', userID: cyd.userID } },
      { role: 'reader', scope: { type: 'user', userID: eve.userID } },
    ];
    for (const share of shares) {
      const res = await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send(share);
      expect(res.status).toBe(201);
    }
    const booked = await sys.http().post('/events').set(bob.auth).send({ calendarID: family, title: 'Dinner at Grandma’s', startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T20:00:00Z' });
    expect(booked.status).toBe(201);
    dinner = booked.body.eventID;
    // Grants and the booking reach the views within the projection's lag.
    await pollUntil(async () => (await familyItems(cyd)).length === 1 && (await familyItems(ann)).length === 1, { timeoutMs: 10_000, what: 'the grants and the booking in the views' });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('shows the event with its details to the owner, the writer and the reader, and a busy block to the free/busy reader', async () => {
    expect(await familyItems(ann)).toEqual([expect.objectContaining({ eventID: dinner, title: 'Dinner at Grandma’s', accessRole: 'owner' })]);
    expect(await familyItems(bob)).toEqual([expect.objectContaining({ eventID: dinner, title: 'Dinner at Grandma’s', accessRole: 'writer' })]);
    expect(await familyItems(eve)).toEqual([expect.objectContaining({ title: 'Dinner at Grandma’s', accessRole: 'reader' })]);
    const [block] = await familyItems(cyd);
    expect(block).toMatchObject({ busy: true, accessRole: 'freeBusyReader', startTime: '2030-06-05T18:00:00.000Z' });
    expect(block).not.toHaveProperty('title');
    expect(block).not.toHaveProperty('location');
    expect(await familyItems(stranger)).toEqual([]);
    // calendarIDs narrows the read; a calendar one may not see adds nothing.
    expect(await view(ann, { calendarIDs: 'primary' })).toEqual([]);
    expect(await view(stranger, { calendarIDs: family })).toEqual([]);
    // Narrowed to one calendar, the read leaves out the person's own primary (a defect once: it was always read).
    const own = await sys.http().post('/events').set(ann.auth).send({ title: 'Yoga', startTime: '2030-06-04T07:00:00Z', endTime: '2030-06-04T08:00:00Z' });
    expect(own.status).toBe(201);
    await pollUntil(async () => (await view(ann, { calendarIDs: 'primary' })).length === 1, { timeoutMs: 10_000, what: 'Ann’s own event in her view' });
    expect((await view(ann, { calendarIDs: family })).map((item) => item.eventID)).toEqual([dinner]);
    expect((await view(ann, { calendarIDs: family, maxResults: '10' })).map((item) => item.eventID)).toEqual([dinner]);
    expect((await view(ann)).map((item) => item.eventID).sort()).toEqual([dinner, own.body.eventID].sort());
    const cancelled = await sys.http().delete(`/events/${own.body.eventID}`).set(ann.auth);
    expect(cancelled.status).toBe(204);
    await pollUntil(async () => (await view(ann, { calendarIDs: 'primary' })).length === 0, { timeoutMs: 10_000, what: 'Ann’s own event gone' });
  });

  it('answers one event by its calendar rights: details to readers, 404 to who may only see busy time or nothing', async () => {
    expect((await sys.http().get(`/events/${dinner}`).set(eve.auth)).body).toMatchObject({ title: 'Dinner at Grandma’s', calendarID: family, accessRole: 'reader' });
    expect((await sys.http().get(`/events/${dinner}`).set(cyd.auth)).status).toBe(404);
    expect((await sys.http().get(`/events/${dinner}`).set(stranger.auth)).status).toBe(404);
  });

  it('shows a private event as busy time to readers, in full to writers', async () => {
    const changed = await sys.http().put(`/events/${dinner}`).set(ann.auth).send({ visibility: 'private' });
    expect(changed.status).toBe(200);
    await pollUntil(async () => (await familyItems(eve))[0]?.busy === true, { timeoutMs: 10_000, what: 'the private event as busy time' });
    expect((await familyItems(eve))[0]).not.toHaveProperty('title');
    expect((await familyItems(bob))[0]).toMatchObject({ title: 'Dinner at Grandma’s' });
    expect((await sys.http().get(`/events/${dinner}`).set(eve.auth)).body).toEqual(expect.objectContaining({ busy: true }));
    expect((await sys.http().get(`/events/${dinner}`).set(eve.auth)).body).not.toHaveProperty('title');
  });

  it('refuses what a role does not allow, each with a problem naming why, and appends nothing', async () => {
    const before = await sys.eventCount();
    const cases: [Person, string, string, unknown, number, string][] = [
      [bob, 'post', `/calendars/${family}/acl`, { role: 'reader', scope: { type: 'user', userID: stranger.userID } }, 403, 'NOT_OWNER'],
      [eve, 'post', '/events', { calendarID: family, title: 'x', startTime: '2030-06-06T10:00:00Z', endTime: '2030-06-06T11:00:00Z' }, 403, 'NOT_WRITER'],
      [eve, 'put', `/events/${dinner}`, { title: 'mine now' }, 403, 'NOT_WRITER'],
      [stranger, 'post', '/events', { calendarID: family, title: 'x', startTime: '2030-06-06T10:00:00Z', endTime: '2030-06-06T11:00:00Z' }, 404, 'CALENDAR_NOT_FOUND'],
      [stranger, 'put', `/events/${dinner}`, { title: 'mine now' }, 404, 'EVENT_NOT_FOUND'],
      [cyd, 'post', `/events/${dinner}/move`, { calendarID: 'primary' }, 404, 'EVENT_NOT_FOUND'],
      [ann, 'post', `/events/${dinner}/move`, { calendarID: cyd.userID }, 403, 'NOT_WRITER'],
      [stranger, 'patch', `/calendars/${family}`, { summary: 'Mine' }, 404, 'CALENDAR_NOT_FOUND'],
      [ann, 'delete', '/calendars/primary', undefined, 409, 'PRIMARY_CALENDAR'],
      [ann, 'post', `/calendars/${family}/acl`, { role: 'reader', scope: { type: 'user', userID: ann.userID } }, 400, 'VALIDATION_FAILED'],
      [ann, 'post', `/calendars/${family}/acl`, { role: 'reader', scope: { type: 'user', email: 'not an address' } }, 400, 'VALIDATION_FAILED'],
      [ann, 'post', `/calendars/${family}/acl`, { role: 'emperor', scope: { type: 'default' } }, 400, 'VALIDATION_FAILED'],
      [ann, 'post', `/calendars/${family}/acl`, { role: 'reader', scope: { type: 'group', email: 'x@example.com' } }, 400, 'VALIDATION_FAILED'],
      [ann, 'delete', `/calendars/${family}/acl/${encodeURIComponent(`user:${ann.userID}`)}`, undefined, 409, 'LAST_OWNER'],
    ];
    for (const [who, method, path, body, status, code] of cases) {
      const req = (sys.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method]!(path).set(who.auth);
      const res = body === undefined ? await req : await req.send(body as object);
      expect({ path, method, status: res.status, code: res.body.code }).toEqual({ path, method, status, code });
    }
    const invalidEmail = await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', email: 'not an address' } });
    expect(invalidEmail.body.errors).toEqual([expect.objectContaining({ path: 'scope.email' })]);
    expect(await sys.eventCount()).toBe(before);
  });

  it('shares with an address as an address until an account has confirmed it: an unconfirmed sign-up with it gets nothing', async () => {
    const squatter = await sys.signUp('squatter', { verify: false });
    const shared = await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', email: squatter.email } });
    expect(shared.status).toBe(201);
    expect(shared.body.ruleID).toBe(`email:${squatter.email}`);
    expect((await sys.http().get(`/calendars/${family}`).set(squatter.auth)).status).toBe(404);
    expect(await familyItems(squatter)).toEqual([]);
  });

  it('takes a revocation into account on the very next read, whatever the projection lag', async () => {
    const revoked = await sys.http().delete(`/calendars/${family}/acl/${encodeURIComponent(`user:${bob.userID}`)}`).set(ann.auth);
    expect(revoked.status).toBe(204);
    // No waiting: rights are read from the store on every request.
    expect(await familyItems(bob)).toEqual([]);
    expect((await sys.http().get(`/events/${dinner}`).set(bob.auth)).status).toBe(404);
    expect((await sys.http().put(`/events/${dinner}`).set(bob.auth).send({ title: 'still mine?' })).status).toBe(404);
    // Bob created the event, but it belongs to the calendar: his own calendar does not keep it either.
    expect((await view(bob)).map((item) => item.eventID)).not.toContain(dinner);
    expect(await familyItems(ann)).toHaveLength(1);
  });

  it('moves an event to another calendar its mover writes; the old calendar’s readers lose it', async () => {
    const moved = await sys.http().post(`/events/${dinner}/move`).set(ann.auth).send({ calendarID: 'primary' });
    expect(moved.status).toBe(200);
    expect(moved.body.calendarID).toBe(ann.userID);
    await pollUntil(async () => (await familyItems(eve)).length === 0, { timeoutMs: 10_000, what: 'the moved event out of Family' });
    expect((await view(ann)).filter((item) => item.eventID === dinner)).toEqual([expect.objectContaining({ calendarID: ann.userID, accessRole: 'owner' })]);
  });

  it('deletes a secondary calendar: its events leave every view', async () => {
    const booked = await sys.http().post('/events').set(ann.auth).send({ calendarID: family, title: 'Picnic', startTime: '2030-06-08T12:00:00Z', endTime: '2030-06-08T14:00:00Z' });
    await pollUntil(async () => (await familyItems(eve)).some((item) => item.eventID === booked.body.eventID), { timeoutMs: 10_000, what: 'the picnic in Eve\'s view' });
    expect((await sys.http().delete(`/calendars/${family}`).set(ann.auth)).status).toBe(204);
    expect(await familyItems(eve)).toEqual([]);
    expect(await familyItems(ann)).toEqual([]);
  });
});
