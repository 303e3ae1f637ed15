import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

/**
 * Who reads an event's notification ledger, over the whole embedded system: writers and owners of the event's
 * calendar (the host of an event on their own calendar is its owner), by its rules in the event store now.
 * Not the guests: the ledger names every recipient.
 */
describe('an event’s notifications by calendar rights', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, wes: Person, rea: Person, gus: Person, sam: Person;
  let family: string;

  const statusOf = async (who: Person, eventID: string) => (await sys.http().get(`/events/${eventID}/notifications`).set(who.auth)).status;
  const book = async (who: Person, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(who.auth).send({ title: 'Dinner', startTime: '2031-07-01T18:00:00Z', endTime: '2031-07-01T20:00:00Z', ...body });
    expect(res.status).toBe(201);
    return res.body.eventID as string;
  };

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, wes, rea, gus, sam] = [await sys.signUp('ann'), await sys.signUp('wes'), await sys.signUp('rea'), await sys.signUp('gus'), await sys.signUp('sam')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
    expect(created.status).toBe(201);
    family = created.body.calendarID;
    for (const [who, role] of [[wes, 'writer'], [rea, 'reader']] as const) {
      expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role, scope: { type: 'user', userID: who.userID } })).status).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('answers the host of an event on their own calendar, and not its guests or strangers', async () => {
    const own = await book(ann, { invitedUserIDs: [gus.userID] });
    expect(await statusOf(ann, own)).toBe(200);
    expect(await statusOf(gus, own)).toBe(404);
    expect(await statusOf(sam, own)).toBe(404);
  });

  it('answers writers and owners of the event’s calendar, not its readers, and a writer no more once revoked', async () => {
    const dinner = await book(ann, { calendarID: family, invitedUserIDs: [gus.userID] });
    expect(await statusOf(ann, dinner)).toBe(200);
    expect(await statusOf(wes, dinner)).toBe(200);
    const refused = await sys.http().get(`/events/${dinner}/notifications`).set(rea.auth);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 404, code: 'EVENT_NOT_FOUND' });
    expect(await statusOf(gus, dinner)).toBe(404);
    expect((await sys.http().delete(`/calendars/${family}/acl/user:${wes.userID}`).set(ann.auth)).status).toBe(204);
    expect(await statusOf(wes, dinner)).toBe(404);
  });

  it('answers 404 for an event that does not exist', async () => {
    expect(await statusOf(ann, '00000000-0000-4000-8000-000000000000')).toBe(404);
  });
});
