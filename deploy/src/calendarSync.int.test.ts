import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStream } from '../../notifier/src/sync/sseTestClient';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Item { eventID: string; calendarID: string; accessRole: string; busy?: boolean; title?: string; location?: string | null; attendees?: unknown; version: number }
interface Change { token: string; change: { eventID: string; cause: string; version: number; event: Omit<Item, 'version'> | null } }
interface SyncBody { items?: Item[]; changes: Change[]; nextPageToken?: string; nextSyncToken?: string }

/**
 * The words: revoking access takes effect at once (the very next read of the revoked person sees
 * nothing more of the calendar, whatever the lag); their devices get removal changes on /sync and
 * /sync/stream; a new reader's devices get the calendar's events.
 */
describe('device sync follows calendar sharing (embedded system)', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let server: Server;
  let port = 0;
  let ann: Person, bob: Person, cyd: Person, eve: Person;
  let family: string;
  let dinner: string;
  let dentist: string;

  const sync = async (who: Person, query: Record<string, string | number> = {}): Promise<SyncBody> => {
    const res = await sys.http().get('/sync').query(query).set(who.auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Every page of a full sync: the items and the token it ends with. */
  const fullSync = async (who: Person) => {
    const items: Item[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await sync(who, { maxResults: 2, ...(pageToken ? { pageToken } : {}) });
      items.push(...(page.items ?? []));
      if (!page.nextPageToken) return { items, syncToken: page.nextSyncToken as string };
      pageToken = page.nextPageToken;
    }
  };
  /** Every page of the changes since `syncToken`. */
  const changesSince = async (who: Person, syncToken: string) => {
    const changes: Change[] = [];
    let page = await sync(who, { syncToken });
    changes.push(...page.changes);
    while (page.nextPageToken) {
      page = await sync(who, { pageToken: page.nextPageToken });
      changes.push(...page.changes);
    }
    return { changes, syncToken: page.nextSyncToken as string };
  };
  const book = async (who: Person, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(who.auth).send(body);
    expect(res.status).toBe(201);
    return res.body.eventID as string;
  };
  const share = async (who: Person, role: string) => {
    const res = await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role, scope: { type: 'user', userID: who.userID } });
    expect(res.status).toBe(201);
  };
  const revoke = async (who: Person) => expect((await sys.http().delete(`/calendars/${family}/acl/user:${who.userID}`).set(ann.auth)).status).toBe(204);
  const ids = (items: { eventID: string }[]) => items.map((i) => i.eventID).sort();

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    server = sys.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    [ann, bob, cyd, eve] = await Promise.all([sys.signUp('ann'), sys.signUp('bob'), sys.signUp('cyd'), sys.signUp('eve')]);
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
    expect(created.status).toBe(201);
    family = created.body.calendarID;
    dinner = await book(ann, { calendarID: family, title: 'Dinner at Grandma’s', location: 'Grandma’s', startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T20:00:00Z' });
    dentist = await book(ann, { title: 'Dentist', startTime: '2030-06-06T08:00:00Z', endTime: '2030-06-06T09:00:00Z' });
    // Ann reads Family as its owner: once her full sync holds Dinner, the notifier has the calendar's events.
    await pollUntil(async () => ids((await fullSync(ann)).items).includes(dinner), { timeoutMs: 10_000, what: 'Dinner in Ann’s sync' });
    // Starting the system and signing four people up (scrypt) takes a while on two cores.
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sys.stop();
    await db.close();
  });

  it('sends a calendar whole to a new reader’s next sync, and takes it back from the very next sync after a revocation', async () => {
    const run = await book(bob, { title: 'Run', startTime: '2030-06-04T06:00:00Z', endTime: '2030-06-04T07:00:00Z' });
    let bobs = await fullSync(bob);
    await pollUntil(async () => ids((bobs = await fullSync(bob)).items).includes(run), { timeoutMs: 10_000, what: 'Bob’s run in his sync' });
    expect(ids(bobs.items)).toEqual([run]);
    expect(bobs.items[0]).toMatchObject({ calendarID: bob.userID, accessRole: 'owner', title: 'Run' });

    // Before Bob may read Family, something comes and goes on it: a new reader gets the calendar, not its past.
    const surprise = await book(ann, { calendarID: family, title: 'Surprise party for Bob', startTime: '2030-06-07T18:00:00Z', endTime: '2030-06-07T23:00:00Z' });
    expect((await sys.http().delete(`/events/${surprise}`).set(ann.auth)).status).toBe(204);
    await share(bob, 'reader');
    // The notifier learns of the grant within its lag; the calendar then comes whole, nothing of Ann's own.
    let gained = await changesSince(bob, bobs.syncToken);
    await pollUntil(async () => (gained = await changesSince(bob, bobs.syncToken)).changes.length > 0, { timeoutMs: 10_000, what: 'Family in Bob’s next sync' });
    expect(gained.changes.map((c) => c.change)).toEqual([
      expect.objectContaining({ eventID: dinner, cause: 'CalendarAccessGained', event: expect.objectContaining({ title: 'Dinner at Grandma’s', calendarID: family, accessRole: 'reader' }) }),
    ]);
    expect(ids((await fullSync(bob)).items)).toEqual([dinner, run].sort());
    const quiet = await changesSince(bob, gained.syncToken);
    expect(quiet).toEqual({ changes: [], syncToken: gained.syncToken });
    expect(JSON.stringify(gained)).not.toContain('Surprise');

    // While he reads it, Family's changes are his changes.
    expect((await sys.http().put(`/events/${dinner}`).set(ann.auth).send({ location: 'Grandma’s garden' })).status).toBe(200);
    let moved = await changesSince(bob, gained.syncToken);
    await pollUntil(async () => (moved = await changesSince(bob, gained.syncToken)).changes.length > 0, { timeoutMs: 10_000, what: 'Ann’s change in Bob’s sync' });
    expect(moved.changes.map((c) => c.change)).toEqual([
      expect.objectContaining({ eventID: dinner, cause: 'CalendarEventDetailsChanged', event: expect.objectContaining({ location: 'Grandma’s garden', calendarID: family, accessRole: 'reader' }) }),
    ]);

    await revoke(bob);
    // No waiting: the rules are read from the event store on every request.
    const lost = await changesSince(bob, moved.syncToken);
    expect(lost.changes.map((c) => c.change)).toEqual([expect.objectContaining({ eventID: dinner, cause: 'CalendarAccessLost', event: null })]);
    expect(ids((await fullSync(bob)).items)).toEqual([run]);
    expect(ids((await changesSince(bob, moved.syncToken)).changes.map((c) => c.change))).toEqual([dinner]);

    // Nothing more of Family reaches him: Ann's rename shows in her sync, never in his.
    const annBefore = (await fullSync(ann)).syncToken;
    expect((await sys.http().put(`/events/${dinner}`).set(ann.auth).send({ title: 'Dinner (moved to Sunday)' })).status).toBe(200);
    await pollUntil(async () => (await changesSince(ann, annBefore)).changes.some((c) => c.change.event?.title === 'Dinner (moved to Sunday)'), { timeoutMs: 10_000, what: 'the rename in Ann’s sync' });
    expect((await changesSince(bob, lost.syncToken)).changes).toEqual([]);
  });

  it('follows a shared primary calendar through its owner’s own calendar, and leaves nothing of it once revoked', async () => {
    const start = (await fullSync(cyd)).syncToken;
    expect((await sys.http().post(`/calendars/${ann.userID}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', userID: cyd.userID } })).status).toBe(201);
    let gained = await changesSince(cyd, start);
    await pollUntil(async () => (gained = await changesSince(cyd, start)).changes.length > 0, { timeoutMs: 10_000, what: 'Ann’s calendar in Cyd’s next sync' });
    expect(gained.changes.map((c) => c.change)).toEqual([
      expect.objectContaining({ eventID: dentist, cause: 'CalendarAccessGained', event: expect.objectContaining({ title: 'Dentist', calendarID: ann.userID, accessRole: 'reader' }) }),
    ]);
    expect((await sys.http().put(`/events/${dentist}`).set(ann.auth).send({ location: 'Dr. Molar' })).status).toBe(200);
    let moved = await changesSince(cyd, gained.syncToken);
    await pollUntil(async () => (moved = await changesSince(cyd, gained.syncToken)).changes.length > 0, { timeoutMs: 10_000, what: 'Ann’s change in Cyd’s sync' });
    expect(moved.changes.map((c) => c.change.event)).toEqual([expect.objectContaining({ eventID: dentist, location: 'Dr. Molar', accessRole: 'reader' })]);

    expect((await sys.http().delete(`/calendars/${ann.userID}/acl/user:${cyd.userID}`).set(ann.auth)).status).toBe(204);
    // Everyone may still see Ann's free/busy (her primary calendar's default rule), but nobody's devices follow it for that.
    const lost = await changesSince(cyd, moved.syncToken);
    expect(lost.changes.map((c) => c.change)).toEqual([expect.objectContaining({ eventID: dentist, cause: 'CalendarAccessLost', event: null })]);
    expect(ids((await fullSync(cyd)).items)).toEqual([]);
  });

  it('gives a free/busy reader busy blocks only, and a reader a private event as busy time', async () => {
    const picnic = await book(ann, { calendarID: family, title: 'Picnic', location: 'The park', startTime: '2030-06-08T11:00:00Z', endTime: '2030-06-08T15:00:00Z' });
    expect((await sys.http().put(`/events/${dinner}`).set(ann.auth).send({ visibility: 'private' })).status).toBe(200);
    await pollUntil(async () => ids((await fullSync(ann)).items).includes(picnic), { timeoutMs: 10_000, what: 'the picnic in Ann’s sync' });
    await share(cyd, 'freeBusyReader');
    await share(eve, 'reader');
    let cyds: Item[] = [];
    await pollUntil(async () => (cyds = (await fullSync(cyd)).items).length === 2, { timeoutMs: 10_000, what: () => `Family in Cyd’s sync (${JSON.stringify(cyds)})` });
    for (const item of cyds) {
      expect(item).toMatchObject({ calendarID: family, accessRole: 'freeBusyReader', busy: true });
      for (const field of ['title', 'location', 'attendees', 'description', 'hostID']) expect(item).not.toHaveProperty(field);
    }
    expect(cyds.find((i) => i.eventID === picnic)).toMatchObject({ startTime: '2030-06-08T11:00:00.000Z', endTime: '2030-06-08T15:00:00.000Z' });
    let eves: Item[] = [];
    await pollUntil(async () => (eves = (await fullSync(eve)).items).length === 2, { timeoutMs: 10_000, what: () => `Family in Eve’s sync (${JSON.stringify(eves)})` });
    expect(eves.find((i) => i.eventID === picnic)).toMatchObject({ title: 'Picnic', location: 'The park', accessRole: 'reader' });
    const privateDinner = eves.find((i) => i.eventID === dinner);
    expect(privateDinner).toMatchObject({ busy: true, accessRole: 'reader' });
    expect(privateDinner).not.toHaveProperty('title');
    // Ann's own primary calendar is nobody else's: it is not shared with them by name.
    expect(ids(eves)).not.toContain(dentist);

    // A lesser role sends the calendar again, as that role sees it.
    const eveAt = (await fullSync(eve)).syncToken;
    const changed = await sys.http().patch(`/calendars/${family}/acl/user:${eve.userID}`).set(ann.auth).send({ role: 'freeBusyReader' });
    expect(changed.status).toBe(200);
    const again = await changesSince(eve, eveAt);
    expect(ids(again.changes.map((c) => c.change))).toEqual([dinner, picnic].sort());
    for (const { change } of again.changes) {
      expect(change).toMatchObject({ cause: 'CalendarAccessChanged', event: { busy: true, accessRole: 'freeBusyReader', calendarID: family } });
      expect(change.event).not.toHaveProperty('title');
    }
  });

  it('streams a calendar to a new reader’s open stream and takes it back when access is revoked', async () => {
    const start = await fullSync(bob);
    const phone = openStream(port, { ...bob.auth, 'Last-Event-ID': start.syncToken });
    try {
      expect(await phone.ready).toBe(200);
      await share(bob, 'writer');
      await pollUntil(() => phone.events.filter((e) => e.data.cause === 'CalendarAccessGained').length === 2, { timeoutMs: 10_000, what: () => `Family on Bob’s stream (${JSON.stringify(phone.events)})` });
      expect(phone.events.every((e) => e.data.event !== null)).toBe(true);
      const lunch = await book(ann, { calendarID: family, title: 'Lunch', startTime: '2030-06-09T12:00:00Z', endTime: '2030-06-09T13:00:00Z' });
      await pollUntil(() => phone.events.some((e) => e.data.eventID === lunch), { timeoutMs: 10_000, what: 'the new Family event on Bob’s stream' });
      expect(phone.events.find((e) => e.data.eventID === lunch)?.data.event).toMatchObject({ title: 'Lunch', calendarID: family, accessRole: 'writer' });
      const heldAt = phone.events.at(-1)?.id ?? '';
      const held = ids(phone.events.map((e) => e.data).filter((d, i, all) => all.findIndex((o) => o.eventID === d.eventID) === i));

      await revoke(bob);
      await pollUntil(() => phone.events.filter((e) => e.data.cause === 'CalendarAccessLost').length === 3, { timeoutMs: 10_000, what: () => `Family taken back on Bob’s stream (${JSON.stringify(phone.events)})` });
      const lost = phone.events.filter((e) => e.data.cause === 'CalendarAccessLost');
      expect(lost.map((e) => e.data.event)).toEqual([null, null, null]);
      expect(ids(lost.map((e) => e.data))).toEqual(held);

      // A device that was away since holding Family gets the same removals when it comes back.
      const laptop = openStream(port, { ...bob.auth, 'Last-Event-ID': heldAt });
      try {
        expect(await laptop.ready).toBe(200);
        await pollUntil(() => laptop.events.filter((e) => e.data.cause === 'CalendarAccessLost').length === 3, { timeoutMs: 10_000, what: 'the removals on the returning device' });
      } finally {
        laptop.close();
      }
    } finally {
      phone.close();
    }
  });
});
