import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appleICalName, caldavName, calendarServerName, davName, parseDavXml } from '@datebook/shared-kernel/dav';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import ICAL from 'ical.js';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';
import { childNamesIn, davClient, hrefsIn, propfindBody, propOf, readMultistatus, type ReadResponse } from './testing/davClient';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

const WEEK = { start: '20300603T000000Z', end: '20300610T000000Z' };
const calendarQuery = (options: { expand?: boolean; data?: boolean } = {}) => `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/>${options.data === false ? '' : options.expand ? `<C:calendar-data><C:expand start="${WEEK.start}" end="${WEEK.end}"/></C:calendar-data>` : '<C:calendar-data/>'}</D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${WEEK.start}" end="${WEEK.end}"/></C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>`;
const syncCollection = (token: string) => `<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;

/** The VEVENTs of a text/calendar body, read by an independent parser (ical.js). */
function vevents(text: string): ICAL.Component[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent');
}
const summaryOf = (event: ICAL.Component) => event.getFirstPropertyValue('summary');

/**
 * CalDAV reads over the whole embedded system on PostgreSQL: events are written through the REST API,
 * reach the collections through the projector, and are read back by PROPFIND, REPORT and GET, with each
 * person's rights on Ann's "Family" calendar: Ann owns it, Bob writes, Eve reads, Cyd sees free/busy, Sam nothing.
 */
describe('CalDAV reads', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  let sys: TestSystem;
  let dav: ReturnType<typeof davClient>;
  let ann: Person, bob: Person, eve: Person, cyd: Person, sam: Person;
  let family: string;
  const ids: Record<string, string> = {};
  const familyHref = () => `/dav/calendars/${family}/`;

  async function book(who: Person, body: Record<string, unknown>): Promise<string> {
    const res = await sys.http().post('/events').set(who.auth).send(body);
    expect(res.status).toBe(201);
    return res.body.eventID;
  }
  const propfind = (who: Person, path: string, depth: string, body: string) => dav('propfind', path, { auth: who.auth, body, headers: { Depth: depth } });
  const report = (who: Person, path: string, body: string, headers: Record<string, string> = { Depth: '1' }) => dav('report', path, { auth: who.auth, body, headers });
  async function members(who: Person, path = familyHref()): Promise<ReadResponse[]> {
    const res = await propfind(who, path, '1', propfindBody('<D:getetag/>'));
    expect(res.status).toBe(207);
    return readMultistatus(res.body).responses.filter((r) => r.href !== path);
  }
  /** The resource of an event in a listing: its href ends in its UID, <eventID>@datebook for events made through REST. */
  const hrefOfEvent = (eventID: string, path = familyHref()) => `${path}${encodeURIComponent(`${eventID}@datebook`)}.ics`;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDb.url, max: 10 });
    sys = await startTestSystem(db);
    dav = davClient(sys);
    [ann, bob, eve, cyd, sam] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('eve'), await sys.signUp('cyd'), await sys.signUp('sam')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family', description: 'Us at home', timeZone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    family = created.body.calendarID;
    for (const [who, role] of [[bob, 'writer'], [eve, 'reader'], [cyd, 'freeBusyReader']] as const) {
      expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role, scope: { type: 'user', userID: who.userID } })).status).toBe(201);
    }
    expect((await sys.http().patch(`/users/me/calendarList/${family}`).set(ann.auth).send({ color: '#33aa77' })).status).toBe(200);
    ids.dinner = await book(bob, { calendarID: family, title: 'Dinner', location: 'Grandma', startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T20:00:00Z' });
    ids.standup = await book(ann, { calendarID: family, title: 'Stand-up', startTime: '2030-06-03T09:00', duration: 'PT15M', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=DAILY;COUNT=10'] });
    ids.secret = await book(ann, { calendarID: family, title: 'Secret', startTime: '2030-06-06T12:00:00Z', endTime: '2030-06-06T13:00:00Z' });
    expect((await sys.http().put(`/events/${ids.secret}`).set(ann.auth).send({ visibility: 'private' })).status).toBe(200);
    ids.holiday = await book(ann, { calendarID: family, title: 'Holiday', startDate: '2030-06-08' });
    ids.later = await book(ann, { calendarID: family, title: 'Later', startTime: '2030-07-01T10:00:00Z', endTime: '2030-07-01T11:00:00Z' });
    ids.lunch = await book(ann, { title: 'Lunch', startTime: '2030-06-04T11:00:00Z', endTime: '2030-06-04T12:00:00Z', invitedUserIDs: [bob.userID] });
    await pollUntil(async () => (await members(ann)).length === 5 && (await members(bob, `/dav/calendars/${bob.userID}/`)).length === 1, { timeoutMs: 15_000, what: 'the events in the collections' });
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
    await testDb.drop();
  });

  describe('discovery (RFC 6764, RFC 5397, RFC 4791 §6.2)', () => {
    it('leads from the well-known URI to the principal, the calendar home and the calendars of the list', async () => {
      const wellKnown = await dav('get', '/.well-known/caldav');
      expect(wellKnown.status).toBe(301);
      expect(wellKnown.headers.location).toBe('/dav/');
      // Clients that PROPFIND it with a body are redirected alike.
      const wellKnownPropfind = await dav('propfind', '/.well-known/caldav', { body: propfindBody('<D:current-user-principal/>'), headers: { Depth: '0' } });
      expect(wellKnownPropfind.status).toBe(301);
      expect(wellKnownPropfind.headers.location).toBe('/dav/');

      const root = readMultistatus((await propfind(ann, '/dav/', '0', propfindBody('<D:current-user-principal/>'))).body).responses[0];
      const principal = hrefsIn(propOf(root, davName('current-user-principal')))[0];
      expect(principal).toBe(`/dav/principals/${ann.userID}/`);
      // Clients given only the host name start at its root.
      const fromServerRoot = await propfind(ann, '/', '0', propfindBody('<D:current-user-principal/>'));
      expect(hrefsIn(propOf(readMultistatus(fromServerRoot.body).responses[0], davName('current-user-principal')))).toEqual([principal]);

      const me = readMultistatus((await propfind(ann, principal as string, '0', propfindBody('<D:displayname/>', '<C:calendar-home-set/>', '<C:calendar-user-address-set/>', '<D:principal-URL/>', '<D:resourcetype/>'))).body).responses[0];
      expect(propOf(me, davName('displayname'))?.text).toBe('ann');
      expect(hrefsIn(propOf(me, caldavName('calendar-home-set')))).toEqual(['/dav/calendars/']);
      expect(hrefsIn(propOf(me, caldavName('calendar-user-address-set')))).toContain(`mailto:${ann.email}`);
      expect(hrefsIn(propOf(me, davName('principal-URL')))).toEqual([principal]);
      expect(childNamesIn(propOf(me, davName('resourcetype')))).toEqual(['collection', 'principal']);

      const home = await propfind(ann, '/dav/calendars/', '1', propfindBody('<D:resourcetype/>', '<D:displayname/>', '<I:calendar-color/>', '<C:supported-calendar-component-set/>', '<CS:getctag/>', '<D:sync-token/>'));
      expect(home.status).toBe(207);
      const listed = readMultistatus(home.body).responses;
      expect(listed.map((r) => r.href).sort()).toEqual(['/dav/calendars/', `/dav/calendars/${ann.userID}/`, familyHref()].sort());
      const familyEntry = listed.find((r) => r.href === familyHref());
      expect(childNamesIn(propOf(familyEntry, davName('resourcetype')))).toEqual(['collection', 'calendar']);
      expect(propOf(familyEntry, davName('displayname'))?.text).toBe('Family');
      expect(propOf(familyEntry, appleICalName('calendar-color'))?.text).toBe('#33aa77');
      expect(propOf(familyEntry, caldavName('supported-calendar-component-set'))?.children.map((c) => c.attributes.name)).toEqual(['VEVENT']);
      const ctag = propOf(familyEntry, calendarServerName('getctag'))?.text;
      expect(ctag).toMatch(new RegExp(`^http://datebook\\.dev/sync/${family}/`));
      expect(propOf(familyEntry, davName('sync-token'))?.text).toBe(ctag);
      // The primary calendar has no colour of Ann's choosing: not found, in its own propstat.
      expect(listed.find((r) => r.href === `/dav/calendars/${ann.userID}/`)?.props.get(`{http://apple.com/ns/ical/}calendar-color`)?.status).toBe(404);
    });

    it('answers OPTIONS with what the server speaks, and asks for sign-in with a Basic challenge', async () => {
      const options = await dav('options', '/dav/calendars/');
      expect(options.status).toBe(200);
      expect(options.headers.dav).toBe('1, 3, access-control, calendar-access, extended-mkcol');
      expect(options.headers.allow).toEqual(expect.stringContaining('PROPFIND'));
      const anonymous = await dav('propfind', '/dav/', { body: propfindBody('<D:current-user-principal/>'), headers: { Depth: '0' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="Datebook"/);
    });

    it('signs calendar apps in with an app password over HTTP Basic', async () => {
      const created = await sys.http().post('/users/me/app-passwords').set(ann.auth).send({ name: 'Thunderbird' });
      expect(created.status).toBe(201);
      const basic = { Authorization: `Basic ${Buffer.from(`${ann.email}:${created.body.password}`).toString('base64')}` };
      const res = await dav('propfind', '/dav/', { auth: basic, body: propfindBody('<D:current-user-principal/>'), headers: { Depth: '0' } });
      expect(res.status).toBe(207);
      const wrong = { Authorization: `Basic ${Buffer.from(`${ann.email}:not-the-password`).toString('base64')}` };
      expect((await dav('propfind', '/dav/', { auth: wrong, body: propfindBody('<D:current-user-principal/>'), headers: { Depth: '0' } })).status).toBe(401);
    });

    it('answers allprop, propname and unknown properties (404 in their own propstat, or left out with return=minimal)', async () => {
      const all = readMultistatus((await propfind(ann, familyHref(), '0', '')).body).responses[0];
      expect(propOf(all, davName('displayname'))?.text).toBe('Family');
      expect(propOf(all, davName('current-user-privilege-set'))).toBeUndefined();
      const names = readMultistatus((await propfind(ann, familyHref(), '0', '<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>')).body).responses[0];
      expect(propOf(names, davName('current-user-privilege-set'))?.children).toEqual([]);
      const asked = propfindBody('<D:displayname/>', '<X:unheard-of xmlns:X="urn:example:x"/>');
      const unknown = readMultistatus((await propfind(ann, familyHref(), '0', asked)).body).responses[0];
      expect(unknown?.props.get('{urn:example:x}unheard-of')?.status).toBe(404);
      const minimal = await dav('propfind', familyHref(), { auth: ann.auth, body: asked, headers: { Depth: '0', Prefer: 'return=minimal' } });
      expect(readMultistatus(minimal.body).responses[0]?.props.has('{urn:example:x}unheard-of')).toBe(false);
    });

    it('refuses Depth: infinity with DAV:propfind-finite-depth', async () => {
      const res = await propfind(ann, '/dav/calendars/', 'infinity', propfindBody('<D:displayname/>'));
      expect(res.status).toBe(403);
      expect(parseDavXml(res.body).children.map((c) => c.local)).toContain('propfind-finite-depth');
    });
  });

  describe('rights (design 14: a collection per calendar, privileges from the role)', () => {
    const privilegesOf = async (who: Person) => {
      const res = await propfind(who, familyHref(), '0', propfindBody('<D:current-user-privilege-set/>', '<D:owner/>'));
      return { status: res.status, body: res.body };
    };

    it('gives owners and writers read and write, readers read, free/busy readers read-free-busy; strangers learn nothing', async () => {
      const expected: [Person, string[]][] = [
        [ann, ['read', 'write', 'write-content', 'write-properties', 'bind', 'unbind']],
        [bob, ['read', 'write', 'write-content', 'write-properties', 'bind', 'unbind']],
        [eve, ['read']],
        [cyd, ['read-free-busy']],
      ];
      for (const [who, privileges] of expected) {
        const { status, body } = await privilegesOf(who);
        expect(status).toBe(207);
        const response = readMultistatus(body).responses[0];
        expect(childNamesIn(propOf(response, davName('current-user-privilege-set')))).toEqual(privileges);
        expect(hrefsIn(propOf(response, davName('owner')))).toEqual([`/dav/principals/${ann.userID}/`]);
      }
      for (const path of [familyHref(), hrefOfEvent(ids.dinner as string), `/dav/principals/${ann.userID}/`]) {
        expect((await propfind(sam, path, '0', propfindBody('<D:displayname/>'))).status).toBe(404);
      }
      expect((await report(sam, familyHref(), calendarQuery())).status).toBe(404);
      expect((await dav('get', hrefOfEvent(ids.dinner as string), { auth: sam.auth })).status).toBe(404);
    });

    it('lists the members with ETags and types to every role', async () => {
      for (const who of [ann, bob, eve, cyd]) {
        const listed = await members(who);
        expect(listed.map((r) => r.href).sort()).toEqual(['dinner', 'standup', 'secret', 'holiday', 'later'].map((name) => hrefOfEvent(ids[name] as string)).sort());
        for (const member of listed) expect(propOf(member, davName('getetag'))?.text).toMatch(/^"\d+-[fba]/);
      }
    });
  });

  describe('REPORT calendar-query (RFC 4791 §7.8)', () => {
    it('finds the events of a week: a series as one resource with its rule, all-day as a date, nothing outside', async () => {
      const res = await report(ann, familyHref(), calendarQuery());
      expect(res.status).toBe(207);
      const found = readMultistatus(res.body).responses;
      expect(found.map((r) => r.href).sort()).toEqual(['dinner', 'standup', 'secret', 'holiday'].map((name) => hrefOfEvent(ids[name] as string)).sort());
      const data = new Map(found.map((r) => [r.href, propOf(r, caldavName('calendar-data'))?.text ?? '']));
      const standup = vevents(data.get(hrefOfEvent(ids.standup as string)) as string);
      expect(standup).toHaveLength(1);
      expect(summaryOf(standup[0] as ICAL.Component)).toBe('Stand-up');
      expect(String(standup[0]?.getFirstPropertyValue('rrule'))).toContain('FREQ=DAILY');
      expect(standup[0]?.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
      const holiday = vevents(data.get(hrefOfEvent(ids.holiday as string)) as string)[0];
      expect(holiday?.getFirstPropertyValue('dtstart')?.toString()).toBe('2030-06-08');
      // The ETag in the report is the one GET answers.
      const get = await dav('get', hrefOfEvent(ids.dinner as string), { auth: ann.auth });
      expect(propOf(found.find((r) => r.href === hrefOfEvent(ids.dinner as string)), davName('getetag'))?.text).toBe(get.headers.etag);
    });

    it('with expand, writes each occurrence of the week as its own VEVENT with a RECURRENCE-ID (RFC 4791 §9.6.5)', async () => {
      const res = await report(ann, familyHref(), calendarQuery({ expand: true }));
      expect(res.status).toBe(207);
      const standup = readMultistatus(res.body).responses.find((r) => r.href === hrefOfEvent(ids.standup as string));
      const instances = vevents(propOf(standup, caldavName('calendar-data'))?.text ?? '');
      expect(instances).toHaveLength(7);
      for (const instance of instances) {
        expect(instance.hasProperty('rrule')).toBe(false);
        expect(instance.hasProperty('recurrence-id')).toBe(true);
      }
      expect(instances.map((i) => i.getFirstPropertyValue('dtstart')?.toString())[0]).toBe('2030-06-03T07:00:00Z');
    });

    it('shows busy time only to a free/busy reader, and a private event as busy time to a reader', async () => {
      const cydSees = readMultistatus((await report(cyd, familyHref(), calendarQuery())).body).responses;
      expect(cydSees).toHaveLength(4);
      for (const response of cydSees) {
        const text = propOf(response, caldavName('calendar-data'))?.text ?? '';
        for (const title of ['Dinner', 'Stand-up', 'Secret', 'Holiday', 'Grandma']) expect(text).not.toContain(title);
        expect(propOf(response, davName('getetag'))?.text).toMatch(/-b"$/);
      }
      const eveSees = new Map(readMultistatus((await report(eve, familyHref(), calendarQuery())).body).responses.map((r) => [r.href, propOf(r, caldavName('calendar-data'))?.text ?? '']));
      expect(eveSees.get(hrefOfEvent(ids.dinner as string))).toContain('SUMMARY:Dinner');
      expect(eveSees.get(hrefOfEvent(ids.secret as string))).not.toContain('Secret');
      const bobSees = readMultistatus((await report(bob, familyHref(), calendarQuery())).body).responses.find((r) => r.href === hrefOfEvent(ids.secret as string));
      expect(propOf(bobSees, caldavName('calendar-data'))?.text).toContain('SUMMARY:Secret');
    });

    it('shows an invitation in the guest\'s own primary collection as the guest sees it', async () => {
      const bobHome = `/dav/calendars/${bob.userID}/`;
      const res = await report(bob, bobHome, calendarQuery());
      const [lunch] = readMultistatus(res.body).responses;
      expect(lunch?.href).toBe(hrefOfEvent(ids.lunch as string, bobHome));
      const [event] = vevents(propOf(lunch, caldavName('calendar-data'))?.text ?? '');
      expect(summaryOf(event as ICAL.Component)).toBe('Lunch');
      expect(String(event?.getFirstPropertyValue('organizer')).toLowerCase()).toBe(`mailto:${ann.email}`);
      expect(event?.getAllProperties('attendee').map((a) => String(a.getFirstValue()).toLowerCase())).toContain(`mailto:${bob.email}`);
      expect(propOf(lunch, davName('getetag'))?.text).toMatch(/-a/);
    });

    it('filters by UID, and finds nothing for components the collections do not hold', async () => {
      const byUID = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">${ids.later}@datebook</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
      expect(readMultistatus((await report(ann, familyHref(), byUID)).body).responses.map((r) => r.href)).toEqual([hrefOfEvent(ids.later as string)]);
      const todos = '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"/></C:comp-filter></C:filter></C:calendar-query>';
      expect(readMultistatus((await report(ann, familyHref(), todos)).body).responses).toEqual([]);
    });
  });

  describe('REPORT calendar-multiget (RFC 4791 §7.9) and GET', () => {
    it('answers the hrefs asked, each as written, 404 for one that names nothing here', async () => {
      const missing = `${familyHref()}nothing%40here.ics`;
      const elsewhere = hrefOfEvent(ids.lunch as string, `/dav/calendars/${ann.userID}/`);
      // An href may be a full URL and may leave the @ unencoded.
      const dinnerAsURL = `http://127.0.0.1${familyHref()}${ids.dinner}@datebook.ics`;
      const body = `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>
        <D:href>${dinnerAsURL}</D:href><D:href>${hrefOfEvent(ids.standup as string)}</D:href><D:href>${missing}</D:href><D:href>${elsewhere}</D:href></C:calendar-multiget>`;
      const res = await report(eve, familyHref(), body);
      expect(res.status).toBe(207);
      const byHref = new Map(readMultistatus(res.body).responses.map((r) => [r.href, r]));
      expect(propOf(byHref.get(`${familyHref()}${ids.dinner}@datebook.ics`), caldavName('calendar-data'))?.text).toContain('SUMMARY:Dinner');
      expect(propOf(byHref.get(hrefOfEvent(ids.standup as string)), caldavName('calendar-data'))?.text).toContain('RRULE:FREQ=DAILY');
      expect(byHref.get(missing)?.status).toBe(404);
      expect(byHref.get(elsewhere)?.status).toBe(404);
    });

    it('GETs one event with a strong ETag, 304 to If-None-Match, and HEAD without a body', async () => {
      const path = hrefOfEvent(ids.dinner as string);
      const got = await dav('get', path, { auth: bob.auth });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(got.headers.etag).toMatch(/^"\d+-f"$/);
      expect(summaryOf(vevents(got.body)[0] as ICAL.Component)).toBe('Dinner');
      expect((await dav('get', path, { auth: bob.auth, headers: { 'If-None-Match': got.headers.etag as string } })).status).toBe(304);
      const head = await dav('head', path, { auth: bob.auth });
      expect(head.status).toBe(200);
      expect(head.headers.etag).toBe(got.headers.etag);
      // The same resource as a free/busy reader sees it is another representation, with another ETag.
      const busy = await dav('get', path, { auth: cyd.auth });
      expect(busy.headers.etag).not.toBe(got.headers.etag);
      expect(busy.body).not.toContain('Dinner');
    });

    it('GETs what was just written, with the ETag of that write, whatever the read model\'s lag', async () => {
      const path = hrefOfEvent(ids.dinner as string);
      const changed = await sys.http().put(`/events/${ids.dinner}`).set(bob.auth).send({ location: 'Garden' });
      expect(changed.status).toBe(200);
      const got = await dav('get', path, { auth: bob.auth });
      expect(got.headers.etag).toBe(`"${changed.body.version}-f"`);
      expect(got.body).toContain('LOCATION:Garden');
      // The listings catch up to the same ETag.
      await pollUntil(async () => propOf((await members(bob)).find((r) => r.href === path), davName('getetag'))?.text === got.headers.etag, { timeoutMs: 10_000, what: 'the listing at the new ETag' });
    });
  });

  describe('REPORT sync-collection (RFC 6578)', () => {
    it('lists everything for an empty token, then only what changed, and what left as 404', async () => {
      const first = await report(bob, familyHref(), syncCollection(''), {});
      expect(first.status).toBe(207);
      const initial = readMultistatus(first.body);
      expect(initial.responses).toHaveLength(5);
      expect(initial.syncToken).toMatch(new RegExp(`^http://datebook\\.dev/sync/${family}/`));

      // Nothing changed: nothing listed, the same token back.
      const unchanged = readMultistatus((await report(bob, familyHref(), syncCollection(initial.syncToken as string), {})).body);
      expect(unchanged.responses).toEqual([]);
      expect(unchanged.syncToken).toBe(initial.syncToken);

      expect((await sys.http().put(`/events/${ids.dinner}`).set(bob.auth).send({ title: 'Dinner (moved)', startTime: '2030-06-05T19:00:00Z', endTime: '2030-06-05T21:00:00Z' })).status).toBe(200);
      expect((await sys.http().delete(`/events/${ids.later}`).set(ann.auth)).status).toBe(204);
      let changes: ReturnType<typeof readMultistatus> = { responses: [] };
      await pollUntil(async () => {
        changes = readMultistatus((await report(bob, familyHref(), syncCollection(initial.syncToken as string), {})).body);
        return changes.responses.length === 2;
      }, { timeoutMs: 10_000, what: 'the change and the cancellation in sync-collection' });
      const byHref = new Map(changes.responses.map((r) => [r.href, r]));
      expect(propOf(byHref.get(hrefOfEvent(ids.dinner as string)), davName('getetag'))?.text).toMatch(/^"\d+-f"$/);
      expect(byHref.get(hrefOfEvent(ids.later as string))?.status).toBe(404);
      expect(changes.syncToken).not.toBe(initial.syncToken);

      // The CTag moved with it: once the projection is done with both writes (a write may reach the collection in
      // more than one batch, each raising its counter), the CTag is the collection's latest sync token.
      const ctagOf = async () => propOf(readMultistatus((await propfind(bob, familyHref(), '0', propfindBody('<CS:getctag/>'))).body).responses[0], calendarServerName('getctag'))?.text;
      let latest = { ctag: undefined as string | undefined, token: undefined as string | undefined };
      await pollUntil(async () => {
        latest = { ctag: await ctagOf(), token: readMultistatus((await report(bob, familyHref(), syncCollection(initial.syncToken as string), {})).body).syncToken };
        return latest.ctag === latest.token;
      }, { timeoutMs: 10_000, what: () => `the CTag equal to the latest sync token (${JSON.stringify(latest)})` });
      expect(latest.ctag).not.toBe(initial.syncToken);
    });

    it('refuses a token of another collection, or one it never issued, with 403 DAV:valid-sync-token', async () => {
      const primary = readMultistatus((await report(ann, `/dav/calendars/${ann.userID}/`, syncCollection(''), {})).body).syncToken as string;
      for (const token of [primary, 'http://datebook.dev/sync/nonsense', `http://datebook.dev/sync/${family}/00000000-0000-4000-8000-000000000000/1`]) {
        const res = await report(ann, familyHref(), syncCollection(token), {});
        expect(res.status).toBe(403);
        expect(parseDavXml(res.body).children.map((c) => `${c.ns}${c.local}`)).toContain('DAV:valid-sync-token');
      }
    });
  });

  describe('REPORT free-busy-query (RFC 4791 §7.10)', () => {
    it('answers a VFREEBUSY of the range, to a free/busy reader too, without titles', async () => {
      const body = `<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20300606T000000Z" end="20300607T000000Z"/></C:free-busy-query>`;
      const res = await report(cyd, familyHref(), body);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      const freebusy = new ICAL.Component(ICAL.parse(res.body)).getFirstSubcomponent('vfreebusy');
      const periods = freebusy?.getAllProperties('freebusy').flatMap((p) => p.getValues().map((v) => String(v))) ?? [];
      // The stand-up (07:00–07:15 UTC) and the secret (12:00–13:00) on 6 June.
      expect(periods).toEqual(['2030-06-06T07:00:00Z/2030-06-06T07:15:00Z', '2030-06-06T12:00:00Z/2030-06-06T13:00:00Z']);
      expect(res.body).not.toContain('Secret');
    });
  });

  describe('hostile XML: nothing is ever resolved, every refusal is cheap', () => {
    let server: Server;
    let fetched = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        fetched += 1;
        res.end('<!ENTITY x "pwned">');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('refuses external entities (XXE) and entity bombs with 400, fetching nothing', async () => {
      const port = (server.address() as AddressInfo).port;
      const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % remote SYSTEM "http://127.0.0.1:${port}/x.dtd"> %remote; <!ENTITY file SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&file;&x;</D:displayname></D:prop></D:propfind>`;
      const refused = await propfind(ann, familyHref(), '0', xxe);
      expect(refused.status).toBe(400);
      expect(refused.body).not.toContain('root:');
      const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
      const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">${entities}]><C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav">&l10;</C:calendar-query>`;
      expect((await report(ann, familyHref(), bomb)).status).toBe(400);
      expect(fetched).toBe(0);
    });

    it('refuses a body over 1 MiB with 413, and malformed XML with 400', async () => {
      const huge = `<D:propfind xmlns:D="DAV:"><D:prop>${'<D:displayname/>'.repeat(2 * 1024 * 1024 / 16)}</D:prop></D:propfind>`;
      expect(Buffer.byteLength(huge)).toBeGreaterThan(2 * 1024 * 1024);
      expect((await propfind(ann, familyHref(), '0', huge)).status).toBe(413);
      expect((await propfind(ann, familyHref(), '0', '<D:propfind xmlns:D="DAV:"><D:prop>')).status).toBe(400);
      expect((await report(ann, familyHref(), '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"><unbound:x/></C:calendar-query>')).status).toBe(400);
      // And the service still answers.
      expect((await propfind(ann, familyHref(), '0', propfindBody('<D:displayname/>'))).status).toBe(207);
    });
  });

  describe('GET /calendars/:calendarID/events.ics', () => {
    it('exports every event the caller may see, read back by ical.js, with an ETag and 304', async () => {
      const res = await dav('get', `/calendars/${family}/events.ics`, { auth: eve.auth });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      const calendar = new ICAL.Component(ICAL.parse(res.body));
      // Each zone the events use once (the stand-up's Europe/Berlin among them), whatever chunk rendered it.
      const zones = calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
      expect(zones).toContain('Europe/Berlin');
      expect(new Set(zones).size).toBe(zones.length);
      expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Family');
      const titles = calendar.getAllSubcomponents('vevent').map(summaryOf);
      expect(titles).toEqual(expect.arrayContaining(['Dinner (moved)', 'Stand-up', 'Holiday']));
      // Cancelled: gone; private: busy time only for a reader.
      expect(titles).not.toContain('Later');
      expect(titles).not.toContain('Secret');
      expect(calendar.getAllSubcomponents('vevent')).toHaveLength(4);
      const etag = res.headers.etag as string;
      expect((await dav('get', `/calendars/${family}/events.ics`, { auth: eve.auth, headers: { 'If-None-Match': etag } })).status).toBe(304);
      // Another role, another ETag; a stranger, nothing.
      const busy = await dav('get', `/calendars/${family}/events.ics`, { auth: cyd.auth });
      expect(busy.headers.etag).not.toBe(etag);
      for (const title of ['Dinner', 'Stand-up', 'Holiday']) expect(busy.body).not.toContain(title);
      expect((await dav('get', `/calendars/${family}/events.ics`, { auth: sam.auth })).status).toBe(404);
      expect((await dav('get', '/calendars/primary/events.ics', { auth: bob.auth })).body).toContain('SUMMARY:Lunch');
      // Calendar apps subscribe with an app password (HTTP Basic) as well.
      const created = await sys.http().post('/users/me/app-passwords').set(eve.auth).send({ name: 'khal' });
      const basic = { Authorization: `Basic ${Buffer.from(`${eve.email}:${created.body.password}`).toString('base64')}` };
      const withBasic = await dav('get', `/calendars/${family}/events.ics`, { auth: basic, headers: { 'If-None-Match': etag } });
      expect(withBasic.status).toBe(304);
      expect((await dav('get', `/calendars/${family}/events.ics`)).headers['www-authenticate']).toMatch(/^Basic realm="Datebook"/);
    });
  });
});
