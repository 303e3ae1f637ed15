import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import ICAL from 'ical.js';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

/** Secret addresses: a calendar read by apps without signing in, as a reader of it would see it. */
describe('secret addresses of a calendar (iCalendar feeds)', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, stranger: Person;
  let family: string;

  const pathOf = (url: string) => new URL(url).pathname;
  const feed = (path: string, headers: Record<string, string> = {}) => sys.http().get(path).set(headers).buffer(true).parse((res, done) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => { text += chunk; });
    res.on('end', () => done(null, text));
  });
  const book = async (who: Person, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(who.auth).send({ calendarID: family, ...body });
    expect(res.status).toBe(201);
    return res.body.eventID as string;
  };
  const vevents = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, stranger] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('stranger')];
    const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family, "home"', timeZone: 'Europe/Berlin' });
    family = created.body.calendarID;
    expect((await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'writer', scope: { type: 'user', userID: bob.userID } })).status).toBe(201);
    await book(ann, { title: 'Dinner', location: 'Grandma’s', startTime: '2030-06-05T18:00:00Z', endTime: '2030-06-05T20:00:00Z', invitedUserIDs: [bob.userID] });
    await book(ann, { title: 'Doctor', description: 'the results', location: 'Clinic', visibility: 'private', startTime: '2030-06-06T08:00:00Z', endTime: '2030-06-06T09:00:00Z' });
    await book(bob, { title: 'Stand-up', startTime: '2030-06-03T09:00', duration: 'PT15M', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5'] });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('only an owner makes, lists and revokes them; others learn nothing or are refused, and nothing is written', async () => {
    const before = await sys.eventCount();
    const byWriter = await sys.http().post(`/calendars/${family}/feeds`).set(bob.auth);
    expect(byWriter.status).toBe(403);
    expect(byWriter.body.code).toBe('NOT_OWNER');
    const byStranger = await sys.http().post(`/calendars/${family}/feeds`).set(stranger.auth);
    expect(byStranger.status).toBe(404);
    expect(byStranger.body.code).toBe('CALENDAR_NOT_FOUND');
    expect((await sys.http().get(`/calendars/${family}/feeds`).set(stranger.auth)).status).toBe(404);
    expect((await sys.http().get(`/calendars/${family}/feeds`).set(bob.auth)).status).toBe(403);
    expect((await sys.http().post(`/calendars/${family}/feeds`)).status).toBe(401);
    expect(await sys.eventCount()).toBe(before);
  });

  it('serves the calendar without sign-in as a reader sees it, with an ETag and a 304; a revoked address answers 404', async () => {
    const made = await sys.http().post(`/calendars/${family}/feeds`).set(ann.auth);
    expect(made.status).toBe(201);
    expect(made.headers['cache-control']).toBe('no-store');
    const { id, url, webcalUrl, createdAt } = made.body;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/feeds\/[A-Za-z0-9_-]{86}\.ics$/);
    expect(webcalUrl).toBe(url.replace('http://', 'webcal://'));
    const listed = await sys.http().get(`/calendars/${family}/feeds`).set(ann.auth);
    expect(listed.body).toEqual({ items: [{ id, createdAt, createdBy: ann.userID }] });
    expect(JSON.stringify(listed.body)).not.toContain(pathOf(url).slice(7, 40));

    // The events reach the read model within the projection's lag.
    let text = '';
    await pollUntil(async () => {
      const res = await feed(pathOf(url));
      text = res.status === 200 ? res.body : '';
      return vevents(text).length === 3;
    }, { timeoutMs: 10_000, what: 'the three events in the feed' });
    const res = await feed(pathOf(url));
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(new RegExp(`^".+-${id}"$`));

    const calendar = new ICAL.Component(ICAL.parse(text));
    // The calendar's name as apps show it (X-WR-CALNAME; RFC 7986 NAME), as TEXT (RFC 5545 §3.3.11: the comma escaped).
    expect(text).toContain('\r\nX-WR-CALNAME:Family\\, "home"\r\n');
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Berlin');
    const byTitle = new Map(vevents(text).map((v) => [String(v.getFirstPropertyValue('summary')), v]));
    expect([...byTitle.keys()].sort()).toEqual(['Busy', 'Dinner', 'Stand-up']);
    expect(byTitle.get('Dinner')?.getFirstPropertyValue('location')).toBe('Grandma’s');
    // The private event: its time only, nothing of what or where; and no alarms for anyone.
    const busy = new ICAL.Event(byTitle.get('Busy') as ICAL.Component);
    expect(busy.startDate.toJSDate().toISOString()).toBe('2030-06-06T08:00:00.000Z');
    for (const secret of ['Doctor', 'the results', 'Clinic']) expect(text).not.toContain(secret);
    expect(text).not.toContain('VALARM');
    const standUp = new ICAL.Event(byTitle.get('Stand-up') as ICAL.Component);
    expect(standUp.isRecurring()).toBe(true);
    expect(standUp.startDate.zone.tzid).toBe('Europe/Berlin');

    const unchanged = await feed(pathOf(url), { 'If-None-Match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBe('');
    expect(unchanged.headers.etag).toBe(etag);
    expect((await feed(pathOf(url), { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);

    // A change shows within a second's caching and the projection's lag, under a new ETag.
    await book(ann, { title: 'Picnic', startTime: '2030-06-07T10:00:00Z', endTime: '2030-06-07T12:00:00Z' });
    await pollUntil(async () => {
      const next = await feed(pathOf(url), { 'If-None-Match': etag });
      return next.status === 200 && next.headers.etag !== etag && next.body.includes('SUMMARY:Picnic');
    }, { timeoutMs: 10_000, what: 'the new event under a new ETag' });

    expect((await sys.http().delete(`/calendars/${family}/feeds/${id}`).set(bob.auth)).status).toBe(403);
    expect((await sys.http().delete(`/calendars/${family}/feeds/${id}`).set(ann.auth)).status).toBe(204);
    await pollUntil(async () => (await feed(pathOf(url))).status === 404, { timeoutMs: 5_000, what: 'the revoked address answering 404' });
    expect((await sys.http().get(`/calendars/${family}/feeds`).set(ann.auth)).body).toEqual({ items: [] });
  });

  it('answers every wrong address alike: malformed, unknown calendar or feed, wrong secret', async () => {
    const made = await sys.http().post(`/calendars/${family}/feeds`).set(ann.auth);
    const token = pathOf(made.body.url).slice('/feeds/'.length, -'.ics'.length);
    const wrongSecret = `${token.slice(0, 60)}${token[60] === 'A' ? 'B' : 'A'}${token.slice(61)}`;
    const otherCalendar = `${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`;
    const answers = await Promise.all(['/feeds/nothing.ics', `/feeds/${wrongSecret}.ics`, `/feeds/${otherCalendar}.ics`, `/feeds/${token}.ICS`, `/feeds/${token}`].map((path) => feed(path)));
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ code: expect.stringMatching(/^(FEED|ROUTE)_NOT_FOUND$/) });
    }
    expect(answers.slice(0, 3).map((a) => a.body)).toEqual([answers[0]?.body, answers[0]?.body, answers[0]?.body]);
    expect((await feed(`/feeds/${token}.ics`)).status).toBe(200);
  });

  it(`keeps at most 10 live addresses; rotating is making a new one and revoking the old one`, async () => {
    const live = (await sys.http().get(`/calendars/${family}/feeds`).set(ann.auth)).body.items.length as number;
    for (let n = live; n < 10; n++) expect((await sys.http().post(`/calendars/${family}/feeds`).set(ann.auth)).status).toBe(201);
    const refused = await sys.http().post(`/calendars/${family}/feeds`).set(ann.auth);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('TOO_MANY_FEEDS');
    const [oldest] = (await sys.http().get(`/calendars/${family}/feeds`).set(ann.auth)).body.items;
    expect((await sys.http().delete(`/calendars/${family}/feeds/${oldest.id}`).set(ann.auth)).status).toBe(204);
    expect((await sys.http().post(`/calendars/${family}/feeds`).set(ann.auth)).status).toBe(201);
  });

  it('closes the addresses a person made once they may no longer read the calendar', async () => {
    const own = await sys.http().post('/calendars').set(bob.auth).send({ summary: 'Club' });
    const club = own.body.calendarID;
    await sys.http().post(`/calendars/${club}/acl`).set(bob.auth).send({ role: 'owner', scope: { type: 'user', userID: ann.userID } });
    const made = await sys.http().post(`/calendars/${club}/feeds`).set(bob.auth);
    expect(made.status).toBe(201);
    expect((await feed(pathOf(made.body.url))).status).toBe(200);
    expect((await sys.http().delete(`/calendars/${club}/acl/user:${bob.userID}`).set(ann.auth)).status).toBe(204);
    await pollUntil(async () => (await feed(pathOf(made.body.url))).status === 404, { timeoutMs: 5_000, what: "the removed owner's address answering 404" });
  });
});
