// The notifier's own pruning (its retention job), run now rather than after seven days.
import { pruneChanges } from '../../notifier/src/sync/changeFeed';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

describe('a new device: full sync, then changes, then 410 and a new full sync (embedded system)', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('loads the whole calendar on the first GET /sync, pages it, and keeps it in step with the token', async () => {
    const [ann, bob] = await Promise.all([sys.signUp('ann'), sys.signUp('bob')]);
    const book = async (user: typeof ann, title: string, day: number, invite: string[] = []) => {
      const res = await sys.http().post('/events').set(user.auth).send({ title, startTime: `2030-05-${String(day).padStart(2, '0')}T10:00:00Z`, endTime: `2030-05-${String(day).padStart(2, '0')}T11:00:00Z`, invitedUserIDs: invite });
      expect(res.status).toBe(201);
      return res.body.eventID as string;
    };
    const own = [await book(ann, 'Dentist', 1), await book(ann, 'Planning', 2, [bob.userID]), await book(ann, 'Review', 3)];
    const invitedTo = await book(bob, 'Bob’s party', 4, [ann.userID]);
    const gone = await book(ann, 'Called off', 5);
    expect((await sys.http().delete(`/events/${gone}`).set(ann.auth)).status).toBe(204);
    await book(bob, 'Bob alone', 6);
    const expected = [...own, invitedTo].sort();

    type Page = { items: { eventID: string; title: string }[]; nextPageToken?: string; nextSyncToken?: string };
    const fullSync = async () => {
      const pages: Page[] = [];
      let pageToken: string | undefined;
      do {
        const res = await sys.http().get('/sync').query({ maxResults: 3, ...(pageToken ? { pageToken } : {}) }).set(ann.auth);
        expect(res.status).toBe(200);
        pages.push(res.body);
        pageToken = res.body.nextPageToken;
      } while (pageToken);
      return pages;
    };
    // The notifier reads the log asynchronously: wait until it has seen everything booked above.
    let pages: Awaited<ReturnType<typeof fullSync>> = [];
    await pollUntil(async () => (pages = await fullSync()).flatMap((page) => page.items.map((i) => i.eventID)).join() === expected.join(), {
      timeoutMs: 10_000, pollMs: 25, what: () => `the full sync holding ${expected.join()} (last: ${JSON.stringify(pages)})`,
    });
    expect(pages.map((p) => p.items.length)).toEqual([3, 1]);
    expect(pages[0]?.nextSyncToken).toBeUndefined();
    const syncToken = pages[1]?.nextSyncToken as string;
    expect(syncToken).toEqual(expect.any(String));

    const later = await book(bob, 'Added later', 7, [ann.userID]);
    const changesSince = () => sys.http().get('/sync').query({ syncToken }).set(ann.auth);
    let changes = await changesSince();
    await pollUntil(async () => (changes = await changesSince()).body.changes?.length > 0, {
      timeoutMs: 10_000, pollMs: 25, what: () => `a change after the sync token (last: ${JSON.stringify(changes.body)})`,
    });
    expect(changes.body.changes.map((c: { change: { eventID: string; event: { title: string } } }) => [c.change.eventID, c.change.event.title])).toEqual([[later, 'Added later']]);
    expect(changes.body.nextSyncToken).toEqual(expect.any(String));

    await pruneChanges(db, new Date(Date.now() + 60_000));
    const expired = await sys.http().get('/sync').query({ syncToken }).set(ann.auth);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ code: 'SYNC_TOKEN_EXPIRED' });
    const again = await fullSync();
    expect(again.flatMap((p) => p.items.map((i) => i.eventID))).toEqual([...expected, later].sort());
  });
});
