import { randomUUID } from 'node:crypto';
import { eventIDForICalUID } from '@datebook/shared-kernel';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { Test } from 'supertest';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>> & { basic: Record<string, string> };

interface EventBody {
  summary?: string;
  start?: string;
  end?: string;
  organizer?: string;
  attendees?: { email: string; partstat: string }[];
  extra?: string[];
}

/** One event as a calendar app writes it (Apple Calendar and Thunderbird write much the same). */
function ics(uid: string, body: EventBody = {}): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook tests//CalDAV//EN', 'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z',
    `DTSTART;TZID=Europe/Berlin:${body.start ?? '20300604T100000'}`, `DTEND;TZID=Europe/Berlin:${body.end ?? '20300604T110000'}`,
    `SUMMARY:${body.summary ?? 'Planning'}`,
    ...(body.organizer ? [`ORGANIZER:mailto:${body.organizer}`] : []),
    ...(body.attendees ?? []).map((a) => `ATTENDEE;CN=Guest;PARTSTAT=${a.partstat};RSVP=TRUE:mailto:${a.email}`),
    ...(body.extra ?? []),
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/** CalDAV's writes (RFC 4791 §5.3, RFC 6638 §3.2): commands like the REST routes', signed in with app passwords. */
describe('CalDAV writes', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, cyd: Person, dan: Person;
  let family: string;

  const dav = (method: string, path: string, who: Person): Test =>
    (sys.http() as unknown as Record<string, (url: string) => Test>)[method.toLowerCase()]!(path).set(who.basic);
  const put = (who: Person, calendarID: string, name: string, body: string, headers: Record<string, string> = {}) =>
    dav('PUT', `/dav/calendars/${calendarID}/${encodeURIComponent(name)}.ics`, who).set({ 'Content-Type': 'text/calendar; charset=utf-8', ...headers }).send(body);
  const eventAs = (who: Person, eventID: string, token?: string) => sys.http().get(`/events/${eventID}`).set(who.auth).set(token ? { 'X-Consistency-Token': token } : {});
  const historyOf = async (who: Person, eventID: string) => (await sys.http().get(`/events/${eventID}/history`).set(who.auth)).body.history as { type: string; who: string }[];
  const inCollection = async (collectionID: string, eventID: string) =>
    (await db.query<{ present: boolean }>('select present from rm_collection_members where collection_id = $1 and event_id = $2', [collectionID, eventID])).rows[0]?.present === true;

  async function person(name: string): Promise<Person> {
    const signedUp = await sys.signUp(name);
    const { password } = (await sys.http().post('/users/me/app-passwords').set(signedUp.auth).send({ name: 'calendar app' })).body as { password: string };
    return { ...signedUp, basic: { Authorization: `Basic ${Buffer.from(`${signedUp.email}:${password}`).toString('base64')}` } };
  }

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, cyd, dan] = [await person('Ann'), await person('Bob'), await person('Cyd'), await person('Dan')];
    family = (await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family', timeZone: 'Europe/Berlin' })).body.calendarID;
    await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'writer', scope: { type: 'user', userID: bob.userID } });
    await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', userID: cyd.userID } });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  describe('PUT', () => {
    const uid = `planning-${randomUUID()}@example.com`;
    let eventID: string;
    let etag: string;

    it('creates the event the body names, as the REST API would: its view, its details, its history', async () => {
      const attendees = [{ email: ann.email, partstat: 'ACCEPTED' }, { email: bob.email, partstat: 'NEEDS-ACTION' }, { email: 'eve@elsewhere.example', partstat: 'NEEDS-ACTION' }];
      const created = await put(ann, family, uid, ics(uid, { organizer: ann.email, attendees, extra: ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'CATEGORIES:Work,Planning'] }), { 'If-None-Match': '*' });
      expect(created.status).toBe(201);
      // What is stored is not the bytes sent (ORGANIZER, DTSTAMP, … added): no ETag, the client reads it back (RFC 4791 §5.3.4).
      expect(created.headers.etag).toBeUndefined();
      eventID = eventIDForICalUID(family, uid);
      const read = await eventAs(ann, eventID, created.headers['x-consistency-token'] as string);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ eventID, calendarID: family, title: 'Planning', startTime: '2030-06-04T08:00:00.000Z', timeZone: 'Europe/Berlin' });
      expect(read.body.attendees).toEqual(expect.arrayContaining([expect.objectContaining({ userID: bob.userID, rsvpStatus: 'PENDING' })]));
      const history = await historyOf(ann, eventID);
      expect(history[0]).toMatchObject({ type: 'CalendarEventScheduled', who: ann.userID });
      // Implicit scheduling (RFC 6638): an account by its address, anyone else by e-mail, the organizer not at all.
      expect(history.map((entry) => entry.type)).toEqual(expect.arrayContaining(['AttendeeInvited', 'ExternalAttendeeInvited']));
      expect(read.body.attendees).toHaveLength(3);
      // What the domain has no field for comes back as it was sent.
      const resource = await dav('GET', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann);
      expect(resource.status).toBe(200);
      etag = resource.headers.etag as string;
      expect(etag).toBe(`"${read.body.version}-f"`);
      expect(resource.text).toContain('X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC');
      expect(resource.text).toContain('CATEGORIES:Work,Planning');
    });

    it('refuses a second resource name for a UID the calendar holds: 409 CALDAV:no-uid-conflict naming it, nothing changed', async () => {
      const other = await put(ann, family, 'other-name', ics(uid, { summary: 'Overwritten?' }));
      expect(other.status).toBe(409);
      expect(other.text).toMatch(/no-uid-conflict/);
      expect(other.text).toContain(`/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`);
      expect((await eventAs(ann, eventID)).body.title).toBe('Planning');
    });

    it('refuses to create over an existing resource (If-None-Match: *) and a stale update (If-Match), 412', async () => {
      expect((await put(ann, family, uid, ics(uid, { organizer: ann.email }), { 'If-None-Match': '*' })).status).toBe(412);
      expect((await put(ann, family, uid, ics(uid, { summary: 'Stale' }), { 'If-Match': '"1-f"' })).status).toBe(412);
      expect((await eventAs(ann, eventID)).body.title).toBe('Planning');
    });

    it('updates with the current ETag (204, a new ETag), through the same decider as PUT /events/:id', async () => {
      const updated = await put(bob, family, uid, ics(uid, { summary: 'Planning (moved)', start: '20300604T140000', end: '20300604T150000', organizer: ann.email, attendees: [{ email: bob.email, partstat: 'NEEDS-ACTION' }] }), { 'If-Match': etag });
      expect(updated.status).toBe(204);
      expect(updated.headers.etag).toBeUndefined();
      const read = await eventAs(ann, eventID, updated.headers['x-consistency-token'] as string);
      expect(read.body).toMatchObject({ title: 'Planning (moved)', startTime: '2030-06-04T12:00:00.000Z' });
      const history = await historyOf(ann, eventID);
      expect(history.at(-1)?.who).toBe(bob.userID);
      expect(history.map((entry) => entry.type)).toEqual(expect.arrayContaining(['CalendarEventRescheduled', 'CalendarEventDetailsChanged']));
      const resource = await dav('GET', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann);
      etag = resource.headers.etag as string;
      expect(etag).toBe(`"${read.body.version}-f"`);
      // The move revised the event: its SEQUENCE rose, as the updated invitations say (RFC 5545 §3.8.7.4).
      expect(resource.text).toMatch(/\r\nSEQUENCE:[1-9]\d*\r\n/);
      let listed = '';
      await pollUntil(async () => {
        const report = await dav('REPORT', `/dav/calendars/${family}/`, ann).set('Depth', '1').set('Content-Type', 'application/xml')
          .send(`<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>/dav/calendars/${family}/${encodeURIComponent(uid)}.ics</D:href></C:calendar-multiget>`);
        listed = report.text;
        return listed.includes(etag);
      }, { timeoutMs: 10_000, what: 'the moved event in the collection' });
      expect(listed.match(/SEQUENCE:(\d+)/)?.[1]).toBe(resource.text.match(/SEQUENCE:(\d+)/)?.[1]);
    });

    it('answers a reader 403 DAV:need-privileges and a stranger 404, changing nothing', async () => {
      const before = await sys.eventCount();
      const reader = await put(cyd, family, uid, ics(uid, { summary: 'Reader was here' }));
      expect(reader.status).toBe(403);
      expect(reader.text).toMatch(/need-privileges/);
      expect(reader.text).toMatch(/write-content/);
      const readerNew = await put(cyd, family, 'new-one', ics('new-one'));
      expect(readerNew.status).toBe(403);
      expect(readerNew.text).toMatch(/<D:bind\/>/);
      expect((await put(dan, family, uid, ics(uid, { summary: 'Stranger' }))).status).toBe(404);
      expect((await put(dan, randomUUID(), uid, ics(uid))).status).toBe(404);
      expect(await sys.eventCount()).toBe(before);
    });

    it('takes one UID per resource and readable iCalendar only, 400 naming the precondition', async () => {
      const two = `${ics('one').replace('END:VCALENDAR\r\n', '')}${ics('two').split('\r\n').slice(4).join('\r\n')}`;
      const twoUIDs = await put(ann, family, 'one', two);
      expect(twoUIDs.status).toBe(400);
      expect(twoUIDs.text).toMatch(/valid-calendar-object-resource/);
      const broken = await put(ann, family, 'broken', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n');
      expect(broken.status).toBe(400);
      expect(broken.text).toMatch(/valid-calendar-data/);
      expect((await dav('PUT', `/dav/calendars/${family}/x.ics`, ann).set('Content-Type', 'application/json').send('{}')).status).toBe(415);
    });

    it("turns an attendee's PUT of their own copy with a new PARTSTAT into their answer (RFC 6638 §3.2.2)", async () => {
      await pollUntil(() => inCollection(bob.userID, eventID), { timeoutMs: 5_000, what: "the event in Bob's primary collection" });
      const answered = await put(bob, bob.userID, uid, ics(uid, { summary: 'Planning (moved)', start: '20300604T140000', end: '20300604T150000', organizer: ann.email, attendees: [{ email: bob.email, partstat: 'ACCEPTED' }] }));
      expect(answered.status).toBe(204);
      const read = await eventAs(ann, eventID, answered.headers['x-consistency-token'] as string);
      expect(read.body.attendees).toEqual(expect.arrayContaining([expect.objectContaining({ userID: bob.userID, rsvpStatus: 'ACCEPTED' })]));
      expect(read.body.title).toBe('Planning (moved)');
      expect((await historyOf(ann, eventID)).at(-1)).toMatchObject({ type: 'InvitationAccepted', who: bob.userID });
    });

    it('declines when the attendee deletes their copy, and cancels when a writer deletes the event (If-Match honoured)', async () => {
      const declined = await dav('DELETE', `/dav/calendars/${bob.userID}/${encodeURIComponent(uid)}.ics`, bob);
      expect(declined.status).toBe(204);
      const read = await eventAs(ann, eventID, declined.headers['x-consistency-token'] as string);
      expect(read.body.attendees).toEqual(expect.arrayContaining([expect.objectContaining({ userID: bob.userID, rsvpStatus: 'DECLINED' })]));
      expect(read.body.status ?? 'scheduled').not.toBe('cancelled');
      expect((await dav('DELETE', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, cyd)).status).toBe(403);
      expect((await dav('DELETE', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann).set('If-Match', '"1-f"')).status).toBe(412);
      const current = `"${read.body.version}-f"`;
      const cancelled = await dav('DELETE', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann).set('If-Match', current);
      expect(cancelled.status).toBe(204);
      expect((await historyOf(ann, eventID)).at(-1)).toMatchObject({ type: 'CalendarEventCancelled', who: ann.userID });
      expect((await dav('DELETE', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann)).status).toBe(404);
      // Declining removed it from Bob's own collection: his app deleted it and it does not come back.
      expect((await dav('GET', `/dav/calendars/${bob.userID}/${encodeURIComponent(uid)}.ics`, bob)).status).toBe(404);
    });

    it('brings a deleted event back when its UID is written again (an app’s undo), inviting its guests again', async () => {
      const again = await put(ann, family, uid, ics(uid, { summary: 'Planning (again)', organizer: ann.email, attendees: [{ email: bob.email, partstat: 'NEEDS-ACTION' }] }));
      expect(again.status).toBe(201);
      const read = await eventAs(ann, eventID, again.headers['x-consistency-token'] as string);
      expect(read.body).toMatchObject({ eventID, status: 'confirmed', title: 'Planning (again)' });
      expect((await historyOf(ann, eventID)).map((entry) => entry.type)).toEqual(expect.arrayContaining(['CalendarEventRestored']));
      expect((await dav('GET', `/dav/calendars/${family}/${encodeURIComponent(uid)}.ics`, ann)).status).toBe(200);
    });

    it('writes an event made through the REST API under its own UID (<eventID>@datebook)', async () => {
      const booked = await sys.http().post('/events').set(ann.auth).send({ title: 'REST made', startTime: '2030-06-05T10:00:00Z', endTime: '2030-06-05T11:00:00Z' });
      const restUID = `${booked.body.eventID}@datebook`;
      const changed = await put(ann, ann.userID, restUID, ics(restUID, { summary: 'Renamed in the app' }), { 'If-Match': `"${booked.body.version}-f"` });
      expect(changed.status).toBe(204);
      expect((await eventAs(ann, booked.body.eventID, changed.headers['x-consistency-token'] as string)).body.title).toBe('Renamed in the app');
    });
  });

  describe('MKCALENDAR and PROPPATCH', () => {
    const mkcalendar = (props: string) => `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>${props}</D:prop></D:set></C:mkcalendar>`;
    const timezone = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n';

    it('makes a calendar with the asked name, zone and colour; a second time, or at another name, it is refused', async () => {
      const id = randomUUID();
      const made = await dav('MKCALENDAR', `/dav/calendars/${id}/`, ann).set('Content-Type', 'application/xml')
        .send(mkcalendar(`<D:displayname>Work</D:displayname><C:calendar-description>Office</C:calendar-description><C:calendar-timezone>${timezone}</C:calendar-timezone><A:calendar-color>#FF2968FF</A:calendar-color>`));
      expect(made.status).toBe(201);
      const calendar = await sys.http().get(`/calendars/${id}`).set(ann.auth);
      expect(calendar.body).toMatchObject({ calendarID: id, summary: 'Work', description: 'Office', timeZone: 'Europe/Paris', accessRole: 'owner' });
      const list = (await sys.http().get('/users/me/calendarList').set(ann.auth)).body.items as { calendarID: string; color: string | null }[];
      expect(list.find((entry) => entry.calendarID === id)?.color).toBe('#ff2968');
      expect((await dav('MKCALENDAR', `/dav/calendars/${id}/`, ann)).status).toBe(405);
      expect((await dav('MKCALENDAR', `/dav/calendars/${ann.userID}/`, ann)).status).toBe(405);
      const misplaced = await dav('MKCALENDAR', '/dav/calendars/work/', ann);
      expect(misplaced.status).toBe(403);
      expect(misplaced.text).toMatch(/calendar-collection-location-ok/);
      const bare = randomUUID();
      expect((await dav('MKCALENDAR', `/dav/calendars/${bare}/`, bob)).status).toBe(201);
      expect((await sys.http().get(`/calendars/${bare}`).set(bob.auth)).body).toMatchObject({ summary: 'Calendar', accessRole: 'owner' });
    });

    it('makes a calendar by an extended MKCOL (RFC 5689, as DAVx5 does), never a plain collection', async () => {
      const id = randomUUID();
      const mkcol = (types: string) => `<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype>${types}</D:resourcetype><D:displayname>Phone</D:displayname></D:prop></D:set></D:mkcol>`;
      expect((await dav('MKCOL', `/dav/calendars/${id}/`, ann).set('Content-Type', 'application/xml').send(mkcol('<D:collection/>'))).status).toBe(403);
      expect((await dav('MKCOL', `/dav/calendars/${id}/`, ann)).status).toBe(403);
      expect((await dav('MKCOL', `/dav/calendars/${id}/`, ann).set('Content-Type', 'application/xml').send(mkcol('<D:collection/><C:calendar/>'))).status).toBe(201);
      expect((await sys.http().get(`/calendars/${id}`).set(ann.auth)).body).toMatchObject({ summary: 'Phone', accessRole: 'owner' });
    });

    const propertyUpdate = (set: string) => `<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>${set}</D:prop></D:set></D:propertyupdate>`;

    it("renames a calendar for its owners and colours it on the asker's own list (207)", async () => {
      const patched = await dav('PROPPATCH', `/dav/calendars/${family}/`, ann).set('Content-Type', 'application/xml')
        .send(propertyUpdate('<D:displayname>Family and friends</D:displayname><A:calendar-color>#00AA00</A:calendar-color>'));
      expect(patched.status).toBe(207);
      expect(patched.text).toMatch(/HTTP\/1.1 200 OK/);
      expect((await sys.http().get(`/calendars/${family}`).set(ann.auth)).body.summary).toBe('Family and friends');

      // A reader colours it on their own list, but renames nothing: one refused property refuses them all (RFC 4918 §9.2).
      const mixed = await dav('PROPPATCH', `/dav/calendars/${family}/`, cyd).set('Content-Type', 'application/xml')
        .send(propertyUpdate('<D:displayname>Mine now</D:displayname><A:calendar-color>#123456</A:calendar-color>'));
      expect(mixed.status).toBe(207);
      expect(mixed.text).toMatch(/HTTP\/1.1 403 Forbidden/);
      expect(mixed.text).toMatch(/HTTP\/1.1 424 Failed Dependency/);
      const colourOf = async (who: Person) => ((await sys.http().get('/users/me/calendarList').set(who.auth)).body.items as { calendarID: string; color: string | null }[]).find((e) => e.calendarID === family)?.color;
      expect(await colourOf(cyd)).toBeNull();
      const colour = await dav('PROPPATCH', `/dav/calendars/${family}/`, cyd).set('Content-Type', 'application/xml').send(propertyUpdate('<A:calendar-color>#123456</A:calendar-color>'));
      expect(colour.status).toBe(207);
      expect(await colourOf(cyd)).toBe('#123456');
      expect(await colourOf(ann)).toBe('#00aa00');
      expect((await sys.http().get(`/calendars/${family}`).set(ann.auth)).body.summary).toBe('Family and friends');
      expect((await dav('PROPPATCH', `/dav/calendars/${family}/`, dan).set('Content-Type', 'application/xml').send(propertyUpdate('<A:calendar-color>#123456</A:calendar-color>'))).status).toBe(404);
    });
  });
});
