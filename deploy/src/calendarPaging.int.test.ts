import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { startTestSystem, type TestSystem } from './testing/testSystem';

interface Item { eventID: string; startTime: string; startDate?: string; recurringEventID?: string }
interface Page { events: Item[]; nextPageToken?: string; truncated: boolean }
type User = Awaited<ReturnType<TestSystem['signUp']>>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const basic = (ms: number) => iso(ms).replace('.000Z', 'Z').replaceAll('-', '').replaceAll(':', '');
/** (start, eventID) in code-unit order: the order GET /events lists items in. */
const byStartThenID = (a: { start: number; id: string }, b: { start: number; id: string }) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('GET /events?from=&to= over any window, paged with maxResults and pageToken', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: User;
  let bob: User;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob] = await Promise.all([sys.signUp('ann'), sys.signUp('bob')]);
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  let lastToken = '';
  const write = async (res: { status: number; body: { consistencyToken?: string; eventID?: string }; headers: Record<string, string> }, status: number) => {
    expect(res.status).toBe(status);
    lastToken = res.body.consistencyToken ?? res.headers['x-consistency-token'] ?? lastToken;
    return res;
  };
  const book = async (user: User, body: Record<string, unknown>) =>
    (await write(await sys.http().post('/events').set(user.auth).send({ title: 'Item', ...body }), 201)).body.eventID as string;
  const getPage = (user: User, query: Record<string, string | number>, consistent = true) =>
    sys.http().get('/events').set(user.auth).set(consistent ? { 'X-Consistency-Token': lastToken } : {}).query(query);

  /** Every page of a window; `between` runs after page `at`. */
  async function allPages(user: User, query: Record<string, string | number>, options: { consistent?: boolean; at?: number; between?: (seen: Item[]) => Promise<void> } = {}) {
    const pages: Page[] = [];
    let pageToken: string | undefined;
    do {
      const res = await getPage(user, { ...query, ...(pageToken ? { pageToken } : {}) }, options.consistent ?? true);
      expect(res.status).toBe(200);
      pages.push(res.body);
      pageToken = res.body.nextPageToken;
      if (pages.length === options.at && options.between) await options.between(pages.flatMap((p) => p.events));
    } while (pageToken);
    return pages;
  }

  const from = Date.parse('2031-01-01T00:00:00Z');
  const to = Date.parse('2033-01-01T00:00:00Z');
  const window = { from: iso(from), to: iso(to) };
  let expected: { start: number; id: string }[] = [];

  it('lists a two-year window with a daily series, a dense series and singles: every occurrence once, in (start, eventID) order', async () => {
    // A daily series across both years and beyond (UTC, so its starts are plain arithmetic), one occurrence moved, one cancelled.
    const daily = await book(ann, { startTime: '2030-12-20T09:00', duration: 'PT30M', timeZone: 'UTC', recurrence: ['RRULE:FREQ=DAILY'] });
    const movedFrom = Date.parse('2031-04-10T09:00:00Z');
    const cancelledAt = Date.parse('2032-02-29T09:00:00Z');
    await write(await sys.http().put(`/events/${daily}/occurrences/${iso(movedFrom)}`).set(ann.auth).send({ startTime: '2031-04-10T14:00:00Z', endTime: '2031-04-10T14:30:00Z' }), 200);
    await write(await sys.http().delete(`/events/${daily}/occurrences/${iso(cancelledAt)}`).set(ann.auth), 204);
    for (let start = Date.parse('2031-01-01T09:00:00Z'); start < to; start += DAY) {
      if (start === cancelledAt) continue;
      expected.push({ start: start === movedFrom ? Date.parse('2031-04-10T14:00:00Z') : start, id: `${daily}_${basic(start)}` });
    }
    // An hourly series of 120, each ten hours long: more than a page between two days of the daily one (ties at 09:00
    // with it), and a page that starts inside it finds ten occurrences still running, which it must not count as new.
    const hourly = await book(ann, { startTime: '2031-06-01T00:00', duration: 'PT10H', timeZone: 'UTC', recurrence: ['RRULE:FREQ=HOURLY;COUNT=120'] });
    for (let i = 0; i < 120; i += 1) expected.push({ start: Date.parse('2031-06-01T00:00:00Z') + i * 3_600_000, id: `${hourly}_${basic(Date.parse('2031-06-01T00:00:00Z') + i * 3_600_000)}` });
    // Singles: spread over the window, one at the daily series' 09:00, one begun before the window, one after it.
    for (let i = 0; i < 25; i += 1) {
      const start = from + Math.floor(((i * 29 + 7) % 731) * DAY) + ((i * 97) % 1440) * 60_000;
      expected.push({ start, id: await book(ann, { startTime: iso(start), endTime: iso(start + 3_600_000) }) });
    }
    const tie = Date.parse('2031-03-03T09:00:00Z');
    expected.push({ start: tie, id: await book(ann, { startTime: iso(tie), endTime: iso(tie + 1_800_000) }) });
    const before = Date.parse('2030-12-31T23:00:00Z');
    expected.push({ start: before, id: await book(ann, { startTime: iso(before), endTime: iso(before + 2 * 3_600_000) }) });
    await book(ann, { startTime: '2033-01-01T00:00:00Z', endTime: '2033-01-01T01:00:00Z' });
    // An all-day event (Ann's zone: sorted at the start of its day there), and an invitation Ann declined (not listed).
    const allDay = await book(ann, { startDate: '2032-07-14' });
    const declined = await book(bob, { startTime: '2031-05-05T10:00:00Z', endTime: '2031-05-05T11:00:00Z', invitedUserIDs: [ann.userID] });
    await write(await sys.http().patch(`/events/${declined}/invitations`).set(ann.auth).send({ response: 'DECLINE' }), 200);

    const pages = await allPages(ann, { ...window, maxResults: 50, timeZone: 'UTC' });
    expected.push({ start: Date.parse('2032-07-14T00:00:00Z'), id: allDay });
    expected.sort(byStartThenID);
    const listed = pages.flatMap((p) => p.events);
    expect(listed.map((i) => i.eventID)).toEqual(expected.map((e) => e.id));
    expect(listed.map((i) => Date.parse(i.startTime))).toEqual(expected.map((e) => e.start));
    for (const page of pages) expect(page.events.length).toBeLessThanOrEqual(50);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 50));
    expect(pages.every((p) => !p.truncated)).toBe(true);
    expect(pages.at(-1)?.nextPageToken).toBeUndefined();

    // The views (not PostgreSQL) answer the same once they have caught up.
    const start = Date.now();
    let cached: Item[] = [];
    while (cached.map((i) => i.eventID).join() !== expected.map((e) => e.id).join() && Date.now() - start < 10_000) {
      cached = (await allPages(ann, { ...window, maxResults: 50, timeZone: 'UTC' }, { consistent: false })).flatMap((p) => p.events);
    }
    expect(cached.map((i) => i.eventID)).toEqual(expected.map((e) => e.id));
  });

  it('stays exact while events are written between pages: nothing twice, nothing skipped', async () => {
    let added = '';
    let addedBehind = '';
    const pages = await allPages(ann, { ...window, maxResults: 50, timeZone: 'UTC' }, {
      at: 3,
      async between(seen) {
        const cursor = Date.parse(seen.at(-1)?.startTime ?? '');
        // One ahead of the pages read (must show up once), one behind them (already passed: must not).
        added = await book(ann, { startTime: iso(cursor + DAY + 60_000), endTime: iso(cursor + DAY + 3_600_000) });
        addedBehind = await book(ann, { startTime: iso(from + DAY + 60_000), endTime: iso(from + DAY + 3_600_000) });
      },
    });
    const ids = pages.flatMap((p) => p.events.map((i) => i.eventID));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id === added)).toHaveLength(1);
    expect(ids).not.toContain(addedBehind);
    expect(ids.filter((id) => id !== added)).toEqual(expected.map((e) => e.id));
    const addedAt = pages.flatMap((p) => p.events).find((i) => i.eventID === added);
    expected.push({ start: Date.parse(addedAt?.startTime ?? ''), id: added }, { start: from + DAY + 60_000, id: addedBehind });
    expected.sort(byStartThenID);
  });

  it('refuses a page token it did not give out, or one used for another window, with 400 naming pageToken', async () => {
    const first = await getPage(ann, { ...window, maxResults: 5, timeZone: 'UTC' });
    const token: string = first.body.nextPageToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = [
      `${token.slice(0, 8)}${token[8] === 'A' ? 'B' : 'A'}${token.slice(9)}`,
      token.slice(0, -3),
      `${token}!`,
      encode({ ...json, s: 'late' }),
      encode({ ...json, i: 'not-an-id' }),
      encode({ ...json, z: 'Mars/Olympus' }),
      encode({ ...json, s: Date.parse('2200-06-01T00:00:00Z') }),
      encode({ ...json, extra: 1 }),
    ];
    for (const pageToken of tampered) {
      const res = await getPage(ann, { ...window, timeZone: 'UTC', pageToken });
      expect([pageToken, res.status]).toEqual([pageToken, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['pageToken']);
    }
    const otherWindow = await getPage(ann, { from: window.from, to: '2032-01-01T00:00:00Z', timeZone: 'UTC', pageToken: token });
    expect(otherWindow.status).toBe(400);
    expect(otherWindow.body.errors).toEqual([{ path: 'pageToken', message: 'belongs to another window' }]);
    // On its own the token names its window: the next page follows the first.
    const alone = await getPage(ann, { pageToken: token, maxResults: 5 });
    expect(alone.status).toBe(200);
    expect(alone.body).toMatchObject({ from: window.from, to: window.to, timeZone: 'UTC' });
    expect(alone.body.events.map((i: Item) => i.eventID)).toEqual(expected.slice(5, 10).map((e) => e.id));
    for (const maxResults of ['0', '2501', 'all']) {
      const res = await getPage(ann, { ...window, maxResults });
      expect([maxResults, res.status]).toEqual([maxResults, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['maxResults']);
    }
  });

  it('pages a series with an occurrence every minute across the whole valid domain, each page bounded', async () => {
    const user = await sys.signUp('dense');
    const series = await book(user, { startTime: '1900-01-01T00:00', duration: 'PT1M', timeZone: 'UTC', recurrence: ['RRULE:FREQ=MINUTELY'] });
    const started = Date.now();
    // Three pages: one series gives at most its cap (1,000) a page, so a page may be shorter than maxResults; none overlaps or skips.
    const listed: Item[] = [];
    let pageToken: string | undefined;
    for (let n = 0; n < 3; n += 1) {
      const res = await getPage(user, pageToken ? { pageToken, maxResults: 2500 } : { from: '1900-01-01T00:00:00Z', to: '2200-01-01T00:00:00Z', maxResults: 2500 });
      expect(res.status).toBe(200);
      expect(res.body.truncated).toBe(false);
      expect(res.body.events.length).toBeGreaterThan(0);
      expect(res.body.events.length).toBeLessThanOrEqual(2500);
      listed.push(...res.body.events);
      pageToken = res.body.nextPageToken;
      expect(pageToken).toEqual(expect.any(String));
    }
    expect(Date.now() - started).toBeLessThan(3000);
    const minute = (i: number) => Date.parse('1900-01-01T00:00:00Z') + i * 60_000;
    expect(listed.map((i) => i.eventID)).toEqual(listed.map((_, i) => `${series}_${basic(minute(i))}`));
    expect(listed.map((i) => Date.parse(i.startTime))).toEqual(listed.map((_, i) => minute(i)));
  });

  it('pages of 5 inside a series whose occurrences overlap ten at a time list the same as one page', async () => {
    const june = { from: '2031-06-01T00:00:00Z', to: '2031-06-07T00:00:00Z', timeZone: 'UTC' };
    const one = await getPage(ann, { ...june, maxResults: 2500 });
    expect(one.body.nextPageToken).toBeUndefined();
    expect(one.body.events.length).toBeGreaterThan(120);
    const small = await allPages(ann, { ...june, maxResults: 5 });
    expect(small.flatMap((p) => p.events.map((i) => i.eventID))).toEqual(one.body.events.map((i: Item) => i.eventID));
    expect(small.every((p) => p.events.length <= 5 && !p.truncated)).toBe(true);
  });

  it('keeps a view whole without paging parameters, and pages it with them', async () => {
    const whole = await getPage(ann, { view: 'MONTHLY', date: '2031-06-15', timeZone: 'UTC' });
    expect(whole.status).toBe(200);
    expect(whole.body.nextPageToken).toBeUndefined();
    const inJune = expected.filter((e) => e.start >= Date.parse('2031-06-01T00:00:00Z') && e.start < Date.parse('2031-07-01T00:00:00Z'));
    expect(whole.body.events.map((i: Item) => i.eventID)).toEqual(inJune.map((e) => e.id));
    const paged = await allPages(ann, { view: 'MONTHLY', date: '2031-06-15', timeZone: 'UTC', maxResults: 40 });
    expect(paged.length).toBeGreaterThanOrEqual(Math.ceil(inJune.length / 40));
    for (const page of paged) expect(page.events.length).toBeLessThanOrEqual(40);
    expect(paged.flatMap((p) => p.events.map((i) => i.eventID))).toEqual(inJune.map((e) => e.id));
  });
});
