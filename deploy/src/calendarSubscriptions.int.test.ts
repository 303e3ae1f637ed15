import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calendarEventStreamName, eventIDForICalUID, SUBSCRIPTION_SOURCE_ID } from '@datebook/shared-kernel';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Item { eventID: string; calendarID: string; accessRole: string; title?: string; startTime: string }

const vevent = (uid: string, title: string, start: string) =>
  ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', `DTSTART:${start}`, 'DURATION:PT1H', `SUMMARY:${title}`, 'END:VEVENT'];
const calendarFile = (...events: string[][]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Holidays//EN', 'X-WR-CALNAME:Club fixtures', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');

/** "Add calendar from URL": a calendar kept in step with an iCalendar file a local server serves, read-only for everyone. */
describe('subscriptions to calendars by URL', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, stranger: Person;
  let source: Server, elsewhere: Server;
  let sourceBase: string, elsewhereBase: string;
  let served = calendarFile(vevent('match-1@club', 'Home match', '20300605T170000Z'), vevent('match-2@club', 'Away match', '20300606T170000Z'));
  const seen = { requests: 0, notModified: 0, elsewhere: 0 };
  let subscription: string;
  const week = { from: '2030-06-03T00:00:00Z', to: '2030-06-10T00:00:00Z' };

  const etagOf = (text: string) => `"${createHash('sha256').update(text).digest('hex').slice(0, 16)}"`;
  const itemsOf = async (who: Person): Promise<Item[]> => {
    const res = await sys.http().get('/events').query(week).set(who.auth);
    expect(res.status).toBe(200);
    return (res.body.events as Item[]).filter((item) => item.calendarID === subscription);
  };
  const titlesOf = async (who: Person) => (await itemsOf(who)).map((item) => item.title).sort();

  beforeAll(async () => {
    source = createServer((req, res) => {
      seen.requests++;
      if (req.url !== '/fixtures.ics') return void res.writeHead(404).end();
      if (req.headers['if-none-match'] === etagOf(served)) {
        seen.notModified++;
        return void res.writeHead(304).end();
      }
      res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', ETag: etagOf(served) }).end(served);
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    sourceBase = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
    // A listener on another loopback address the operator did not allow: nothing may ever reach it.
    elsewhere = createServer((_req, res) => void res.writeHead(200).end(served));
    elsewhere.on('connection', () => seen.elsewhere++);
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
    elsewhereBase = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;

    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db, { subscriptions: { allowedHosts: new Set(['127.0.0.1']), poller: { minRefreshMs: 0 }, maxPerPerson: 2 } });
    [ann, bob, stranger] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('stranger')];
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
    source.closeAllConnections();
    elsewhere.closeAllConnections();
    await Promise.all([new Promise((resolve) => source.close(resolve)), new Promise((resolve) => elsewhere.close(resolve))]);
  });

  it('refuses a source on a private address the operator did not allow, connecting to nothing and writing nothing', async () => {
    const before = await sys.eventCount();
    for (const url of [`${elsewhereBase}/fixtures.ics`, `http://[::1]:${new URL(elsewhereBase).port}/x.ics`, 'file:///etc/passwd', 'gopher://127.0.0.1/']) {
      const res = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'SUBSCRIPTION_HOST_NOT_ALLOWED', errors: [{ path: 'url' }] });
    }
    const withPassword = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url: `http://user:secret@${new URL(sourceBase).host}/fixtures.ics` });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'url' }] });
    const missing = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url: `${sourceBase}/missing.ics` });
    expect(missing.status).toBe(502);
    expect(missing.body.code).toBe('SUBSCRIPTION_FETCH_FAILED');
    expect(seen.elsewhere).toBe(0);
    expect(await sys.eventCount()).toBe(before);
  });

  it('subscribes: the source’s events show in the subscriber’s views, read-only, named as the file names itself', async () => {
    // Calendar apps hand out webcal:// addresses: read as http://.
    const res = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url: `${sourceBase.replace('http://', 'webcal://')}/fixtures.ics#frag` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ summary: 'Club fixtures', url: `${sourceBase}/fixtures.ics` });
    subscription = res.body.calendarID;
    await pollUntil(async () => (await titlesOf(ann)).length === 2, { timeoutMs: 15_000, what: 'the two fixtures in the subscriber’s view' });
    const items = await itemsOf(ann);
    expect(items.map((i) => i.title).sort()).toEqual(['Away match', 'Home match']);
    expect(items.every((i) => i.accessRole === 'reader')).toBe(true);
    expect(items.map((i) => i.eventID).sort()).toEqual([eventIDForICalUID(subscription, 'match-1@club'), eventIDForICalUID(subscription, 'match-2@club')].sort());
    const list = await sys.http().get('/users/me/calendarList').set(ann.auth);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ calendarID: subscription, summary: 'Club fixtures', accessRole: 'reader' })]));
    // Written by the subscription's source, not by its subscriber.
    const { events } = await sys.store.readStream(calendarEventStreamName(items[0]?.eventID as string));
    expect(events[0]?.type).toBe('CalendarEventScheduled');
    expect(events.every((e) => e.metadata.actorID === SUBSCRIPTION_SOURCE_ID)).toBe(true);
  });

  it('refuses every write of events to it, its owner’s included', async () => {
    const [item] = await itemsOf(ann);
    const eventID = item?.eventID as string;
    const before = await sys.eventCount();
    const booked = await sys.http().post('/events').set(ann.auth).send({ calendarID: subscription, title: 'Mine', startTime: '2030-06-04T10:00:00Z', endTime: '2030-06-04T11:00:00Z' });
    expect(booked.status).toBe(403);
    expect(booked.body.code).toBe('NOT_WRITER');
    const changed = await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ title: 'Renamed' });
    expect(changed.status).toBe(403);
    expect(changed.body.code).toBe('NOT_WRITER');
    expect((await sys.http().delete(`/events/${eventID}`).set(ann.auth)).status).toBe(403);
    const moved = await sys.http().post(`/events/${eventID}/move`).set(ann.auth).send({ calendarID: ann.userID });
    expect(moved.status).toBe(403);
    expect(await sys.eventCount()).toBe(before);
    // The owner still manages the calendar itself: its name, and who else may see it.
    expect((await sys.http().patch(`/calendars/${subscription}`).set(ann.auth).send({ summary: 'Fixtures' })).status).toBe(200);
    expect((await sys.http().post(`/calendars/${subscription}/acl`).set(ann.auth).send({ role: 'writer', scope: { type: 'user', userID: bob.userID } })).status).toBe(201);
    await pollUntil(async () => (await itemsOf(bob)).length === 2, { timeoutMs: 10_000, what: 'the shared subscription in Bob’s view' });
    expect((await itemsOf(bob)).every((i) => i.accessRole === 'reader')).toBe(true);
    const byBob = await sys.http().post('/events').set(bob.auth).send({ calendarID: subscription, title: 'Bob’s', startTime: '2030-06-04T10:00:00Z', endTime: '2030-06-04T11:00:00Z' });
    expect(byBob.status).toBe(403);
  });

  it('follows the source: a changed file updates, adds and cancels; an unchanged one (304) writes nothing', async () => {
    served = calendarFile(vevent('match-1@club', 'Home match (moved)', '20300605T180000Z'), vevent('match-3@club', 'Cup final', '20300608T150000Z'));
    const refreshed = await sys.http().post(`/calendars/${subscription}/subscription/refresh`).set(ann.auth);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ status: 'imported', created: 1, updated: 1, cancelled: 1 });
    await pollUntil(async () => JSON.stringify(await titlesOf(ann)) === JSON.stringify(['Cup final', 'Home match (moved)']), {
      timeoutMs: 15_000, what: 'the changed fixtures in the subscriber’s view',
    });
    expect((await itemsOf(ann)).find((i) => i.title === 'Home match (moved)')?.startTime).toBe('2030-06-05T18:00:00.000Z');

    const before = await sys.eventCount();
    const notModifiedBefore = seen.notModified;
    const again = await sys.http().post(`/calendars/${subscription}/subscription/refresh`).set(ann.auth);
    expect(again.body).toEqual({ status: 'notModified' });
    expect(seen.notModified).toBe(notModifiedBefore + 1);
    expect(await sys.eventCount()).toBe(before);
    // Events written by the source (no account) are handled by every consumer like any other.
    expect(sys.parkedCounts()).toEqual({ 'projector-read-model': 0, 'projector-calendar-views': 0, notifier: 0 });
  });

  it('lets only its owners refresh it; others learn nothing of it', async () => {
    expect((await sys.http().post(`/calendars/${subscription}/subscription/refresh`).set(stranger.auth)).status).toBe(404);
    const byReader = await sys.http().post(`/calendars/${subscription}/subscription/refresh`).set(bob.auth);
    expect(byReader.status).toBe(403);
    expect(byReader.body.code).toBe('NOT_OWNER');
    const ordinary = await sys.http().post(`/calendars/${ann.userID}/subscription/refresh`).set(ann.auth);
    expect(ordinary.status).toBe(409);
    expect(ordinary.body.code).toBe('NOT_A_SUBSCRIPTION');
  });

  it('bounds how many subscriptions one person has (each is polled for as long as it exists)', async () => {
    const second = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url: `${sourceBase}/fixtures.ics` });
    expect(second.status).toBe(201);
    // The count is the read model's: wait until it knows the second one.
    await pollUntil(async () => (await sys.http().get('/users/me/calendarList').set(ann.auth)).body.items.some((i: { calendarID: string }) => i.calendarID === second.body.calendarID), { timeoutMs: 10_000, what: 'the second subscription in the list' });
    const before = await sys.eventCount();
    const third = await sys.http().post('/calendars/subscriptions').set(ann.auth).send({ url: `${sourceBase}/fixtures.ics` });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(await sys.eventCount()).toBe(before);
    // Bob has none: his first is taken.
    expect((await sys.http().post('/calendars/subscriptions').set(bob.auth).send({ url: `${sourceBase}/fixtures.ics` })).status).toBe(201);
  });
});
