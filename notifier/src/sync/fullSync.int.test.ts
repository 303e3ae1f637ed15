import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { pruneChanges } from './changeFeed';

interface SyncPageBody {
  items?: { eventID: string; title: string; version: number; myResponse: string }[];
  changes: { token: string; change: { eventID: string; cause: string; event: { title: string } | null } }[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

describe('GET /sync: a full sync for a new device, then changes (the Google Calendar syncToken flow)', () => {
  let h: NotifierHarness;
  beforeEach(async () => {
    h = await startNotifierHarness({ database: 'postgres' });
    await h.startNotifier();
  });
  afterEach(async () => {
    await h.close();
  });

  const start = (day: number) => new Date(Math.ceil((Date.now() + (3 + day) * 24 * 3_600_000) / 60_000) * 60_000);
  type Auth = { auth: Record<string, string> };
  const get = (user: Auth, query: Record<string, string | number>) => h.http().get('/sync').query(query).set(user.auth);

  /** Every page of a full sync; `between` runs after the first page. */
  async function fullSync(user: Auth, maxResults: number, between?: () => Promise<void>) {
    const pages: SyncPageBody[] = [];
    let pageToken: string | undefined;
    do {
      const res = await get(user, { maxResults, ...(pageToken ? { pageToken } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body);
      pageToken = res.body.nextPageToken;
      if (pages.length === 1 && between) await between();
    } while (pageToken);
    return pages;
  }

  /** Waits until the notifier has handled the stream's first `count` events (its state and feed are one transaction). */
  const processed = (eventID: string, count: number) =>
    h.eventually(
      async () => (await h.db.query<{ version: string }>('select version::text from notifier_calendar_events where event_id = $1', [eventID])).rows[0]?.version,
      (v) => v !== undefined && Number(v) >= h.store.firstVersion + count - 1,
    );

  test('the first call returns every event I host or am invited to that is not cancelled, paged, then a token for the changes', async () => {
    const ada = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const sam = await h.registerUser('Sam');
    const mine = await h.scheduleEvent(ann, { start: start(1), title: 'Mine' });
    const invited = await h.scheduleEvent(ada, { start: start(2), title: 'Invited', invite: [ann] });
    const declined = await h.scheduleEvent(ada, { start: start(3), title: 'Declined', invite: [ann] });
    await h.append(h.calendarEvent(declined), 'InvitationDeclined', { eventID: declined, userID: ann.userID }, ann.userID);
    const cancelled = await h.scheduleEvent(ada, { start: start(4), title: 'Cancelled', invite: [ann] });
    await h.append(h.calendarEvent(cancelled), 'CalendarEventCancelled', { eventID: cancelled, cancelledBy: ada.userID }, ada.userID);
    const uninvited = await h.scheduleEvent(ada, { start: start(5), title: 'Uninvited', invite: [ann] });
    await h.append(h.calendarEvent(uninvited), 'AttendeeUninvited', { eventID: uninvited, userID: ann.userID, uninvitedBy: ada.userID }, ada.userID);
    const others = await h.scheduleEvent(sam, { start: start(6), title: 'Not mine', invite: [ada] });
    const more = [];
    for (let i = 0; i < 3; i += 1) more.push(await h.scheduleEvent(ada, { start: start(7 + i), title: `Series of talks ${i}`, invite: [ann] }));
    await Promise.all([processed(declined, 3), processed(cancelled, 3), processed(uninvited, 3), processed(others, 2), processed(more[2] ?? '', 2)]);

    const pages = await fullSync(ann, 2);
    const expected = [mine, invited, declined, ...more].sort();
    expect(pages).toHaveLength(3);
    for (const page of pages.slice(0, -1)) {
      expect(page.items).toHaveLength(2);
      expect(page.nextSyncToken).toBeUndefined();
    }
    const items = pages.flatMap((p) => p.items ?? []);
    expect(items.map((i) => i.eventID)).toEqual(expected);
    expect(items.find((i) => i.eventID === declined)).toMatchObject({ title: 'Declined', myResponse: 'DECLINED', version: h.store.firstVersion + 2 });
    expect(items.find((i) => i.eventID === mine)).toMatchObject({ title: 'Mine', myResponse: 'ACCEPTED', version: h.store.firstVersion });
    const last = pages.at(-1);
    expect(last?.nextPageToken).toBeUndefined();
    expect(last?.nextSyncToken).toMatch(/^\d+$/);

    // Nothing changed since: the changes are none, and the token stays.
    const quiet = await get(ann, { syncToken: last?.nextSyncToken ?? '' });
    expect(quiet.body).toMatchObject({ changes: [], nextSyncToken: last?.nextSyncToken });
    await h.append(h.calendarEvent(invited), 'CalendarEventDetailsChanged', { eventID: invited, title: 'Invited (moved room)', description: null, location: 'Room 2' }, ada.userID);
    const changed = await h.eventually(() => get(ann, { syncToken: last?.nextSyncToken ?? '' }), (res) => res.body.changes?.length === 1);
    expect(changed.body.changes[0].change).toMatchObject({ eventID: invited, cause: 'CalendarEventDetailsChanged', event: { title: 'Invited (moved room)' } });
    expect(changed.body.nextSyncToken).toBe(changed.body.changes[0].token);
  });

  test('a change made while a full sync is paged is among the changes after its nextSyncToken', async () => {
    const ada = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const events = [];
    for (let i = 0; i < 4; i += 1) events.push(await h.scheduleEvent(ada, { start: start(i), title: `Event ${i}`, invite: [ann] }));
    await Promise.all(events.map((id) => processed(id, 2)));
    const [first, , , lastOne] = [...events].sort();
    let added = '';
    const pages = await fullSync(ann, 1, async () => {
      // After page 1 and before page 2: a change to what page 1 returned, a new event, a cancellation ahead.
      await h.append(h.calendarEvent(first ?? ''), 'CalendarEventDetailsChanged', { eventID: first, title: 'Renamed after page 1', description: null, location: null }, ada.userID);
      added = await h.scheduleEvent(ada, { start: start(9), title: 'Added during the sync', invite: [ann] });
      await h.append(h.calendarEvent(lastOne ?? ''), 'CalendarEventCancelled', { eventID: lastOne, cancelledBy: ada.userID }, ada.userID);
      await Promise.all([processed(first ?? '', 3), processed(added, 2), processed(lastOne ?? '', 3)]);
    });
    expect(pages[0]?.items?.map((i) => [i.eventID, i.title])).toEqual([[first, expect.stringMatching(/^Event /)]]);
    const syncToken = pages.at(-1)?.nextSyncToken ?? '';
    const after = await get(ann, { syncToken });
    const changes = (after.body as SyncPageBody).changes.map((c) => [c.change.eventID, c.change.cause]);
    expect(changes).toEqual(expect.arrayContaining([
      [first, 'CalendarEventDetailsChanged'],
      [added, 'AttendeeInvited'],
      [lastOne, 'CalendarEventCancelled'],
    ]));
  });

  test('changes are paged too: nextPageToken until the last page, which carries nextSyncToken', async () => {
    const ann = await h.registerUser('Ann');
    const before = (await get(ann, {})).body.nextSyncToken as string;
    const events = [];
    for (let i = 0; i < 5; i += 1) events.push(await h.scheduleEvent(ann, { start: start(i), title: `Event ${i}` }));
    await h.eventually(() => get(ann, { syncToken: before }), (res) => res.body.changes?.length === 5);
    const seen: string[] = [];
    let res = await get(ann, { syncToken: before, maxResults: 2 });
    while (res.body.nextPageToken) {
      expect(res.body.changes).toHaveLength(2);
      expect(res.body.nextSyncToken).toBeUndefined();
      seen.push(...res.body.changes.map((c: SyncPageBody['changes'][number]) => c.change.eventID));
      res = await get(ann, { pageToken: res.body.nextPageToken, maxResults: 2 });
    }
    seen.push(...res.body.changes.map((c: SyncPageBody['changes'][number]) => c.change.eventID));
    expect(seen).toEqual(events);
    expect(res.body.nextSyncToken).toBe(res.body.changes.at(-1).token);
  });

  test('after pruning, a sync token and a full sync’s page token answer 410; a full sync starts over', async () => {
    const ann = await h.registerUser('Ann');
    const events = [];
    for (let i = 0; i < 3; i += 1) events.push(await h.scheduleEvent(ann, { start: start(i) }));
    await Promise.all(events.map((id) => processed(id, 1)));
    const firstPage = await get(ann, { maxResults: 1 });
    const syncToken = (await fullSync(ann, 10))[0]?.nextSyncToken ?? '';
    await h.scheduleEvent(ann, { start: start(5) });
    await h.eventually(() => get(ann, { syncToken }), (res) => res.body.changes?.length === 1);

    await pruneChanges(h.db, new Date(Date.now() + 60_000));
    for (const query of [{ syncToken }, { since: syncToken }, { pageToken: firstPage.body.nextPageToken as string }] as Record<string, string>[]) {
      const gone = await get(ann, query);
      expect([query, gone.status]).toEqual([query, 410]);
      expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(gone.body).toMatchObject({ status: 410, code: 'SYNC_TOKEN_EXPIRED' });
    }
    const again = await fullSync(ann, 10);
    expect(again.flatMap((p) => p.items ?? [])).toHaveLength(4);
    expect((await get(ann, { syncToken: again.at(-1)?.nextSyncToken ?? '' })).status).toBe(200);
  });

  test('a page token this server did not write, or a bad maxResults, answers 400 naming the field', async () => {
    const ann = await h.registerUser('Ann');
    for (let i = 0; i < 2; i += 1) await h.scheduleEvent(ann, { start: start(i) });
    const page = await h.eventually(() => get(ann, { maxResults: 1 }), (res) => typeof res.body.nextPageToken === 'string');
    const token: string = page.body.nextPageToken;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = [
      `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}=`,
      token.slice(0, 10),
      'not a token',
      json({ k: 'full', at: '-1', id: ann.userID }),
      json({ k: 'full', at: '1', id: 'x' }),
      json({ k: 'changes', after: '99999999999999999999' }),
      json({ k: 'changes', after: '1', extra: true }),
      json([1, 2]),
    ];
    for (const pageToken of tampered) {
      const res = await get(ann, { pageToken });
      expect([pageToken, res.status]).toEqual([pageToken, 400]);
      expect(res.body.errors).toEqual([{ path: 'pageToken', message: 'not a page token' }]);
    }
    for (const maxResults of ['0', '2501', 'many', '1.5']) {
      const res = await get(ann, { maxResults });
      expect([maxResults, res.status]).toEqual([maxResults, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['maxResults']);
    }
    const twoNames = await get(ann, { syncToken: '1', since: '2' });
    expect(twoNames.status).toBe(400);
    expect(twoNames.body.errors).toEqual([{ path: 'since', message: 'differs from syncToken' }]);
    const pageAndSync = await get(ann, { pageToken: token, syncToken: '1' });
    expect(pageAndSync.status).toBe(400);
    expect(pageAndSync.body.errors).toEqual([{ path: 'syncToken', message: 'not with pageToken' }]);
  });
});
