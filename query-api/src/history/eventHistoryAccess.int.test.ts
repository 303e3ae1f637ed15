import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

/**
 * Who reads an event's history, over the whole embedded system: the people on the event and the writers and
 * owners of its calendar, by the calendar's rules in the event store at the moment of the request.
 */
describe('an event’s history by calendar rights', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  // Ann owns "Family": Wes writes it, Rea reads it, Fay sees its free/busy; Gus and Ivy are invited; Sam is a stranger.
  let ann: Person, wes: Person, rea: Person, fay: Person, gus: Person, ivy: Person, sam: Person;
  let family: string;

  const history = (who: Person, eventID: string) => sys.http().get(`/events/${eventID}/history`).set(who.auth);
  const statusOf = async (who: Person, eventID: string) => (await history(who, eventID)).status;
  const book = async (who: Person, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(who.auth).send({ title: 'Dinner', startTime: '2031-07-01T18:00:00Z', endTime: '2031-07-01T20:00:00Z', ...body });
    expect(res.status).toBe(201);
    return res.body.eventID as string;
  };

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, wes, rea, fay, gus, ivy, sam] = [await sys.signUp('ann'), await sys.signUp('wes'), await sys.signUp('rea'), await sys.signUp('fay'), await sys.signUp('gus'), await sys.signUp('ivy'), await sys.signUp('sam')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
    expect(created.status).toBe(201);
    family = created.body.calendarID;
    for (const [who, role] of [[wes, 'writer'], [rea, 'reader'], [fay, 'freeBusyReader']] as const) {
      expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role, scope: { type: 'user', userID: who.userID } })).status).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('answers the people on the event and the writers and owners of its calendar; 404 to readers, free/busy readers and strangers', async () => {
    const dinner = await book(ann, { calendarID: family, invitedUserIDs: [gus.userID] });
    expect(await statusOf(ann, dinner)).toBe(200);
    expect(await statusOf(wes, dinner)).toBe(200);
    expect(await statusOf(gus, dinner)).toBe(200);
    for (const other of [rea, fay, sam]) {
      const res = await history(other, dinner);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'EVENT_NOT_FOUND' });
    }
  });

  it('shows a writer every guest where guests may not see each other', async () => {
    const quiet = await book(ann, { calendarID: family, invitedUserIDs: [gus.userID, ivy.userID], attendees: [{ email: 'dan@example.com' }], guestsCanSeeOtherGuests: false });
    const mentioned = async (who: Person) => (await history(who, quiet)).body.history.map((h: { data: { userID?: string; email?: string } }) => h.data.userID ?? h.data.email).filter(Boolean);
    expect(await mentioned(wes)).toEqual(expect.arrayContaining([gus.userID, ivy.userID, 'dan@example.com']));
    // A guest learns neither the other guests' accounts nor the addresses invited.
    expect(await mentioned(gus)).not.toContain(ivy.userID);
    expect(await mentioned(gus)).not.toContain('dan@example.com');
  });

  it('stops answering a writer the moment their rule is revoked, even for an event they made; the guests keep it', async () => {
    const wesCalendar = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Club' });
    const club = wesCalendar.body.calendarID as string;
    expect((await sys.http().post(`/calendars/${club}/acl`).set(ann.auth).send({ role: 'writer', scope: { type: 'user', userID: wes.userID } })).status).toBe(201);
    const meeting = await book(wes, { calendarID: club, invitedUserIDs: [gus.userID] });
    expect(await statusOf(wes, meeting)).toBe(200);
    expect((await sys.http().delete(`/calendars/${club}/acl/user:${wes.userID}`).set(ann.auth)).status).toBe(204);
    // The event belongs to the calendar: its maker loses it with their access, as GET /events/:id does.
    expect(await statusOf(wes, meeting)).toBe(404);
    expect((await sys.http().get(`/events/${meeting}`).set(wes.auth)).status).toBe(404);
    expect(await statusOf(gus, meeting)).toBe(200);
    expect(await statusOf(ann, meeting)).toBe(200);
  });

  it('still answers the host of an event on their own calendar, and nobody else', async () => {
    const own = await book(sam, {});
    expect(await statusOf(sam, own)).toBe(200);
    expect(await statusOf(ann, own)).toBe(404);
  });
});
