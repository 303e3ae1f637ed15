import { randomUUID } from 'node:crypto';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

const day = '2031-06-02';
const at = (time: string) => `${day}T${time}:00.000Z`;
const span = (start: string, end: string) => ({ start: at(start), end: at(end) });
const window = { from: at('09:00'), to: at('18:00') };
const notFound = [{ domain: 'global', reason: 'notFound' }];

/**
 * Free/busy, "find a time" and availability by calendar rights, over the whole embedded system: rules are
 * changed through the command side and the query side reads them from the event store on every request.
 */
describe('free/busy, suggestions and availability by calendar rights', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  // Ann shares nothing but her primary's default; Hal removed his; Bob asks. Ann's "Family" is shared with
  // Bob (free/busy), her "Diary" with no one.
  let ann: Person, bob: Person, cyd: Person, hal: Person;
  let family: string, diary: string;
  let token = '';

  const book = async (who: Person, start: string, end: string, calendarID?: string) => {
    const res = await sys.http().post('/events').set(who.auth).send({ title: 'Secret', startTime: at(start), endTime: at(end), ...(calendarID ? { calendarID } : {}) });
    expect(res.status).toBe(201);
    token = res.body.consistencyToken;
  };
  const calendar = async (summary: string) => {
    const res = await sys.http().post('/calendars').set(ann.auth).send({ summary });
    expect(res.status).toBe(201);
    return res.body.calendarID as string;
  };
  const ask = (who: Person, path: string, body: Record<string, unknown>, fresh = true) =>
    sys.http()[path === '/events/availability' ? 'patch' : 'post'](path).set(who.auth).set(fresh ? { 'X-Consistency-Token': token } : {}).send(body);

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, cyd, hal] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('cyd'), await sys.signUp('hal')];
    family = await calendar('Family');
    diary = await calendar('Diary');
    expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'freeBusyReader', scope: { type: 'user', userID: bob.userID } })).status).toBe(201);
    expect((await sys.http().delete(`/calendars/${hal.userID}/acl/default`).set(hal.auth)).status).toBe(204);
    await book(ann, '10:00', '11:00');
    await book(hal, '11:00', '12:00');
    await book(cyd, '13:00', '14:00');
    await book(ann, '15:00', '16:00', family);
    await book(ann, '16:00', '17:00', diary);
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('answers notFound for a person who removed their default rule, from the very next request, while the others still answer', async () => {
    const before = await ask(bob, '/freebusy', { userIDs: [ann.userID, cyd.userID], ...window, slotMinutes: 60 });
    expect(before.body.users).toEqual([
      { userID: ann.userID, busy: [span('10:00', '11:00')], availabilityView: '020000000' },
      { userID: cyd.userID, busy: [span('13:00', '14:00')], availabilityView: '000020000' },
    ]);
    expect((await sys.http().delete('/calendars/primary/acl/default').set(ann.auth)).status).toBe(204);
    const after = await ask(bob, '/freebusy', { userIDs: [ann.userID, cyd.userID], ...window, slotMinutes: 60 });
    expect(after.status).toBe(200);
    // No availability string for Ann: a row of zeros would claim she is free.
    expect(after.body.users).toEqual([
      { userID: ann.userID, busy: [], errors: notFound },
      { userID: cyd.userID, busy: [span('13:00', '14:00')], availabilityView: '000020000' },
    ]);
    expect(after.body).not.toHaveProperty('calendars');
    // Her own primary always answers her; giving the rule back answers Bob again at once.
    expect((await ask(ann, '/freebusy', { userIDs: [ann.userID], ...window })).body.users).toEqual([{ userID: ann.userID, busy: [span('10:00', '11:00')] }]);
    expect((await sys.http().post('/calendars/primary/acl').set(ann.auth).send({ role: 'freeBusyReader', scope: { type: 'default' } })).status).toBe(201);
    expect((await ask(bob, '/freebusy', { userIDs: [ann.userID], ...window })).body.users).toEqual([{ userID: ann.userID, busy: [span('10:00', '11:00')] }]);
  });

  it('answers busy time of a calendar Bob may see, from its own rows, and notFound for one he may not see or that does not exist', async () => {
    const [unknownUser, unknownCalendar] = [randomUUID(), randomUUID()];
    const res = await ask(bob, '/freebusy', { userIDs: [unknownUser], calendarIDs: [family, diary, unknownCalendar, cyd.userID, 'primary'], ...window });
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([{ userID: unknownUser, busy: [], errors: notFound }]);
    expect(res.body.calendars).toEqual([
      { calendarID: family, busy: [span('15:00', '16:00')] },
      { calendarID: diary, busy: [], errors: notFound },
      { calendarID: unknownCalendar, busy: [], errors: notFound },
      { calendarID: cyd.userID, busy: [span('13:00', '14:00')] },
      { calendarID: 'primary', busy: [] },
    ]);
    // A user id names a person (their primary calendar), not any calendar.
    expect((await ask(bob, '/freebusy', { userIDs: [family], ...window })).body.users).toEqual([{ userID: family, busy: [], errors: notFound }]);
    expect(JSON.stringify(res.body)).not.toContain('Secret');
    // Without a consistency token the answer comes from the views, where the calendar has its rows too.
    await pollUntil(async () => JSON.stringify((await ask(bob, '/freebusy', { calendarIDs: [family], ...window }, false)).body.calendars) === JSON.stringify([{ calendarID: family, busy: [span('15:00', '16:00')] }]),
      { timeoutMs: 10_000, what: 'the calendar’s busy time from the views' });
  });

  it('always answers the requester’s own primary, whatever its rules', async () => {
    const res = await ask(hal, '/freebusy', { userIDs: [hal.userID], calendarIDs: [family], ...window });
    expect(res.body.users).toEqual([{ userID: hal.userID, busy: [span('11:00', '12:00')] }]);
    expect(res.body.calendars).toEqual([{ calendarID: family, busy: [], errors: notFound }]);
    expect((await ask(hal, '/events/availability', { userID: hal.userID, startTime: at('11:00'), endTime: at('11:30') })).body).toEqual({ available: false });
  });

  it('suggests times without the items it may not see, and lists them as ignored', async () => {
    const res = await ask(bob, '/freebusy/suggestions', { userIDs: [hal.userID, cyd.userID, bob.userID], calendarIDs: [family, diary], ...window, durationMinutes: 60, respectWorkingHours: false });
    expect(res.status).toBe(200);
    // Hal's 11–12 and the Diary's 16–17 block nothing: neither is known, neither is counted free or busy.
    const group = { userIDs: [cyd.userID, bob.userID], calendarIDs: [family] };
    expect(res.body.suggestions).toEqual([{ ...span('09:00', '13:00'), ...group }, { ...span('14:00', '15:00'), ...group }, { ...span('16:00', '18:00'), ...group }]);
    expect(res.body.ignored).toEqual([{ userID: hal.userID, errors: notFound }, { calendarID: diary, errors: notFound }]);
    expect(res.body.reasons).toEqual([]);
    // A reason about a calendar names it as a calendar.
    const busyHour = await ask(bob, '/freebusy/suggestions', { calendarIDs: [family], from: at('15:00'), to: at('16:00'), durationMinutes: 60, respectWorkingHours: false });
    expect(busyHour.body).toEqual({ suggestions: [], reasons: [{ code: 'NO_FREE_TIME', calendarID: family }], ignored: [] });
    // Asking for more than can be seen finds nothing, and says why.
    const tooMany = await ask(bob, '/freebusy/suggestions', { userIDs: [hal.userID, cyd.userID], calendarIDs: [diary], ...window, durationMinutes: 60, minimumAttendees: 2, respectWorkingHours: false });
    expect(tooMany.body).toEqual({ suggestions: [], reasons: [{ code: 'TOO_FEW_USERS', minimumAttendees: 2, users: 1 }], ignored: [{ userID: hal.userID, errors: notFound }, { calendarID: diary, errors: notFound }] });
  });

  it('answers availability per item, an item it may not see as unknown: not available, with notFound', async () => {
    const during = { startTime: at('10:30'), endTime: at('11:30') };
    const res = await ask(bob, '/events/availability', { userIDs: [ann.userID, hal.userID, cyd.userID], calendarIDs: [family, diary], ...during });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      users: [{ userID: ann.userID, available: false }, { userID: hal.userID, available: false, errors: notFound }, { userID: cyd.userID, available: true }],
      calendars: [{ calendarID: family, available: true }, { calendarID: diary, available: false, errors: notFound }],
    });
    expect((await ask(bob, '/events/availability', { userID: hal.userID, ...during })).body).toEqual({ available: false, errors: notFound });
    expect((await ask(bob, '/events/availability', { userID: randomUUID(), ...during })).body).toEqual({ available: false, errors: notFound });
    expect((await ask(bob, '/events/availability', { userID: cyd.userID, ...during })).body).toEqual({ available: true });
    expect((await ask(bob, '/events/availability', { calendarIDs: [family], startTime: at('15:30'), endTime: at('16:30') })).body).toEqual({ users: [], calendars: [{ calendarID: family, available: false }] });
  });

  it('refuses the same calendar asked twice, or neither list, naming the field', async () => {
    const twice = await ask(bob, '/freebusy/suggestions', { userIDs: [bob.userID], calendarIDs: ['primary'], ...window, durationMinutes: 60 });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([{ path: 'calendarIDs.0', message: 'already asked: list each calendar once' }]);
    expect((await ask(bob, '/freebusy', { ...window })).body.errors).toEqual([{ path: 'userIDs', message: 'give userIDs, calendarIDs or both' }]);
    expect((await ask(bob, '/freebusy', { calendarIDs: [family, family], ...window })).body.errors[0].path).toBe('calendarIDs');
    expect((await ask(bob, '/events/availability', { userID: bob.userID, calendarIDs: [family], startTime: at('10:00'), endTime: at('11:00') })).body.errors[0].path).toBe('userID');
    expect((await ask(bob, '/freebusy', { calendarIDs: ['not-a-calendar'], ...window })).body.errors[0].path).toBe('calendarIDs.0');
  });
});
