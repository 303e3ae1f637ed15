import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Entry { calendarID: string; summary: string; description?: string; timeZone: string; accessRole: string; primary: boolean; selected: boolean; hidden: boolean; color: string | null }

/** Google Calendar API v3's calendarList: each person's own list of the calendars they own or were given, with their settings. */
describe('the calendar list', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, cyd: Person, stranger: Person;
  let family: string, club: string, dinner: string;
  const week = { from: '2030-06-03T00:00:00Z', to: '2030-06-10T00:00:00Z' };

  const listOf = async (who: Person, query: Record<string, string> = {}): Promise<Entry[]> => {
    const res = await sys.http().get('/users/me/calendarList').query(query).set(who.auth);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    return res.body.items;
  };
  const listed = async (who: Person, query: Record<string, string> = {}) => (await listOf(who, query)).map((e) => [e.calendarID, e.accessRole]);
  const eventsOf = async (who: Person, query: Record<string, string> = {}): Promise<string[]> => {
    const res = await sys.http().get('/events').query({ ...week, ...query }).set(who.auth);
    expect(res.status).toBe(200);
    return res.body.events.map((item: { eventID: string }) => item.eventID);
  };
  const patch = (who: Person, calendarID: string, body: unknown) => sys.http().patch(`/users/me/calendarList/${calendarID}`).set(who.auth).send(body as object);

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, cyd, stranger] = [await sys.signUp('Ann'), await sys.signUp('Bob'), await sys.signUp('Cyd'), await sys.signUp('Stranger')];
    family = (await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family', description: 'Us', timeZone: 'Europe/Berlin' })).body.calendarID;
    club = (await sys.http().post('/calendars').set(bob.auth).send({ summary: 'Chess club' })).body.calendarID;
    const shares: [Person, string, unknown][] = [
      [ann, family, { role: 'writer', scope: { type: 'user', email: bob.email } }],
      [ann, family, { role: 'freeBusyReader', scope: { type: 'user', userID: cyd.userID } }],
      [bob, club, { role: 'reader', scope: { type: 'user', userID: ann.userID } }],
    ];
    for (const [owner, calendarID, rule] of shares) expect((await sys.http().post(`/calendars/${calendarID}/acl`).set(owner.auth).send(rule as object)).status).toBe(201);
    const booked = await sys.http().post('/events').set(ann.auth).send({ calendarID: family, title: 'Dinner', startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T20:00:00Z' });
    expect(booked.status).toBe(201);
    dinner = booked.body.eventID;
    // Grants reach the list's candidates, and the booking the views, within the projections' lag.
    await pollUntil(async () => (await listOf(cyd)).length === 2 && (await listOf(ann)).length === 3 && (await eventsOf(bob)).includes(dinner), { timeoutMs: 10_000, what: 'the grants and the booking read back' });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('lists the primary first, then every calendar owned or given, with the role the rules give now', async () => {
    expect(await listOf(ann)).toEqual([
      { calendarID: ann.userID, summary: 'Ann', timeZone: 'UTC', accessRole: 'owner', primary: true, selected: true, hidden: false, color: null },
      { calendarID: club, summary: 'Chess club', timeZone: 'UTC', accessRole: 'reader', primary: false, selected: true, hidden: false, color: null },
      { calendarID: family, summary: 'Family', description: 'Us', timeZone: 'Europe/Berlin', accessRole: 'owner', primary: false, selected: true, hidden: false, color: null },
    ]);
    expect(await listed(bob)).toEqual([[bob.userID, 'owner'], [club, 'owner'], [family, 'writer']]);
    expect(await listed(cyd)).toEqual([[cyd.userID, 'owner'], [family, 'freeBusyReader']]);
    // Everyone may see a colleague's free/busy (the primary's default rule), but that puts no one on anyone's list.
    expect(await listed(stranger)).toEqual([[stranger.userID, 'owner']]);
  });

  it('keeps each person’s own settings, and GET /events reads only selected calendars', async () => {
    const changed = await patch(bob, family, { selected: false, color: '#AA33CC' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ calendarID: family, summary: 'Family', description: 'Us', timeZone: 'Europe/Berlin', accessRole: 'writer', primary: false, selected: false, hidden: false, color: '#aa33cc' });
    expect((await listOf(bob)).find((e) => e.calendarID === family)).toMatchObject({ selected: false, color: '#aa33cc' });
    // Settings are read from the store: the very next read leaves the calendar out.
    expect(await eventsOf(bob)).not.toContain(dinner);
    // Named explicitly, it is read all the same.
    expect(await eventsOf(bob, { calendarIDs: family })).toEqual([dinner]);
    // Another person's settings are theirs: Ann's list and view are as they were.
    expect((await listOf(ann)).find((e) => e.calendarID === family)).toMatchObject({ selected: true, color: null });
    expect(await eventsOf(ann)).toContain(dinner);

    const before = await sys.eventCount();
    expect((await patch(bob, family, { selected: false })).status).toBe(200);
    expect(await sys.eventCount()).toBe(before);
    expect((await patch(bob, family, { selected: true, color: null })).body).toMatchObject({ selected: true, color: null });
    expect(await eventsOf(bob)).toContain(dinner);
  });

  it('takes `primary` for the person’s own calendar, whose colour may change but which stays listed and read', async () => {
    const coloured = await patch(cyd, 'primary', { color: '#00ff00' });
    expect(coloured.status).toBe(200);
    expect(coloured.body).toMatchObject({ calendarID: cyd.userID, primary: true, color: '#00ff00', accessRole: 'owner' });
    expect((await listOf(cyd))[0]).toMatchObject({ calendarID: cyd.userID, color: '#00ff00' });
    const before = await sys.eventCount();
    const deselect = await patch(cyd, 'primary', { selected: false });
    expect(deselect.status).toBe(409);
    expect(deselect.body).toMatchObject({ code: 'PRIMARY_CALENDAR', errors: [expect.objectContaining({ path: 'selected' })] });
    expect((await sys.http().delete(`/users/me/calendarList/${cyd.userID}`).set(cyd.auth)).body.code).toBe('PRIMARY_CALENDAR');
    expect(await sys.eventCount()).toBe(before);
  });

  it('hides a calendar with DELETE, revoking nothing; showHidden lists it again', async () => {
    const hidden = await sys.http().delete(`/users/me/calendarList/${family}`).set(bob.auth);
    expect(hidden.status).toBe(204);
    expect(await listed(bob)).toEqual([[bob.userID, 'owner'], [club, 'owner']]);
    expect((await listOf(bob, { showHidden: 'true' })).find((e) => e.calendarID === family)).toMatchObject({ hidden: true, selected: true, accessRole: 'writer' });
    expect(await listed(bob, { showHidden: 'false' })).toHaveLength(2);
    expect(await eventsOf(bob)).not.toContain(dinner);
    // Bob's rights are the calendar's: he still writes it, and its owner still sees his rule.
    const rules = await sys.http().get(`/calendars/${family}/acl`).set(ann.auth);
    expect(rules.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ ruleID: `user:${bob.userID}`, role: 'writer' })]));
    expect((await sys.http().put(`/events/${dinner}`).set(bob.auth).send({ location: 'Grandma’s' })).status).toBe(200);

    expect((await patch(bob, family, { hidden: false })).body).toMatchObject({ hidden: false });
    expect(await listed(bob)).toEqual([[bob.userID, 'owner'], [club, 'owner'], [family, 'writer']]);
    expect(await eventsOf(bob)).toContain(dinner);
  });

  it('answers 404 for a calendar not on one’s list, and 400 naming what is wrong; nothing is appended', async () => {
    const before = await sys.eventCount();
    const unknown = '99999999-9999-4999-8999-999999999999';
    const notFound: [Person, string][] = [[stranger, family], [cyd, club], [ann, bob.userID], [ann, unknown]];
    for (const [who, calendarID] of notFound) {
      for (const res of [await patch(who, calendarID, { color: '#123456' }), await sys.http().delete(`/users/me/calendarList/${calendarID}`).set(who.auth)]) {
        expect({ calendarID, status: res.status, code: res.body.code }).toEqual({ calendarID, status: 404, code: 'CALENDAR_NOT_FOUND' });
      }
    }
    const invalid: [unknown, string][] = [[{ color: 'red' }, 'color'], [{ color: '#12345' }, 'color'], [{ selected: 'yes' }, 'selected'], [{ summaryOverride: 'Mine' }, 'summaryOverride']];
    for (const [body, path] of invalid) {
      const res = await patch(bob, family, body);
      expect({ status: res.status, paths: res.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ status: 400, paths: [path] });
    }
    expect((await patch(bob, 'not-a-calendar', {})).status).toBe(400);
    for (const query of [{ showHidden: 'maybe' }, { minAccessRole: 'owner' }]) {
      const res = await sys.http().get('/users/me/calendarList').query(query).set(bob.auth);
      expect({ status: res.status, paths: res.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ status: 400, paths: Object.keys(query) });
    }
    expect((await sys.http().get('/users/me/calendarList')).status).toBe(401);
    expect(await sys.eventCount()).toBe(before);
  });

  it('leaves the projections of the User stream as they were: no column, nothing parked', async () => {
    const workingHours = [{ day: 1, start: '08:00', end: '16:00' }];
    expect((await sys.http().patch('/users/me').set(stranger.auth).send({ workingHours })).status).toBe(200);
    expect((await patch(stranger, 'primary', { color: '#abcdef' })).status).toBe(200);
    // A later settings change read back means the projector has passed the list entry too (one stream, in order).
    const changed = await sys.http().patch('/users/me').set(stranger.auth).send({ timeZone: 'Asia/Tokyo' });
    const profileRow = async () => (await db.query<{ time_zone: string; working_hours: unknown }>('select time_zone, working_hours from rm_users where user_id = $1', [stranger.userID])).rows[0];
    await pollUntil(async () => (await profileRow())?.time_zone === 'Asia/Tokyo', { timeoutMs: 10_000, what: 'the settings change in the read model' });
    expect(changed.status).toBe(200);
    expect((await profileRow())?.working_hours).toEqual(workingHours);
    expect(Object.values(sys.parkedCounts())).toEqual([0, 0, 0]);
  });

  it('changes a role and removes a revoked calendar on the very next read, whatever the projection lag', async () => {
    expect((await sys.http().patch(`/calendars/${family}/acl/${encodeURIComponent(`user:${bob.userID}`)}`).set(ann.auth).send({ role: 'reader' })).status).toBe(200);
    expect((await listOf(bob)).find((e) => e.calendarID === family)?.accessRole).toBe('reader');

    expect((await sys.http().delete(`/calendars/${family}/acl/${encodeURIComponent(`user:${cyd.userID}`)}`).set(ann.auth)).status).toBe(204);
    // No waiting: the read model still names the calendar, the store says no.
    expect(await listed(cyd, { showHidden: 'true' })).toEqual([[cyd.userID, 'owner']]);
    expect(await eventsOf(cyd)).not.toContain(dinner);
    expect((await patch(cyd, family, { color: '#000000' })).status).toBe(404);

    expect((await sys.http().delete(`/calendars/${club}`).set(bob.auth)).status).toBe(204);
    expect(await listed(ann)).toEqual([[ann.userID, 'owner'], [family, 'owner']]);
  });
});
