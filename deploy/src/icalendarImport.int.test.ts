import { eventIDForICalUID, parseCalendarObjects } from '@datebook/shared-kernel';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { ICALENDAR_FIXTURES, readICalendarFixture as fixture } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
interface Summary { created: number; updated: number; unchanged: number; skipped: { uid: string | null; line: number; reason: string }[] }


/** POST /calendars/:id/import: files as Google Calendar, Outlook and Thunderbird export them, idempotent by UID. */
describe('iCalendar import', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person, bob: Person, cyd: Person;
  let family: string;

  const importInto = (who: Person, calendarID: string, text: string, type = 'text/calendar; charset=utf-8') =>
    sys.http().post(`/calendars/${calendarID}/import`).set(who.auth).set('Content-Type', type).send(text);

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    [ann, bob, cyd] = [await sys.signUp('Ann'), await sys.signUp('Bob'), await sys.signUp('Cyd')];
    family = (await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family', timeZone: 'Europe/Berlin' })).body.calendarID;
    await sys.http().post(`/calendars/${family}/acl`).set(ann.auth).send({ role: 'reader', scope: { type: 'user', userID: bob.userID } });
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it.each(ICALENDAR_FIXTURES)('imports %s once: the same file again changes nothing', async (name) => {
    const calendarID = (await sys.http().post('/calendars').set(ann.auth).send({ summary: name })).body.calendarID as string;
    const text = fixture(name);
    const expected = parseCalendarObjects(text, { defaultTimeZone: 'UTC' });
    const first = await importInto(ann, calendarID, text);
    expect(first.status).toBe(200);
    const summary = first.body as Summary;
    // Every event the reader understood is written (the deciders refuse none of them), and in one go.
    expect(summary).toEqual({ created: expected.drafts.length, updated: 0, unchanged: 0, skipped: expected.skipped });
    expect(summary.created).toBeGreaterThan(0);

    // Each event is on the calendar under the id its UID names there, with the importer as its host.
    const draft = expected.drafts[0]!;
    const read = await sys.http().get(`/events/${eventIDForICalUID(calendarID, draft.uid)}/history`).set(ann.auth);
    expect(read.status).toBe(200);
    expect(read.body.history[0]).toMatchObject({ type: 'CalendarEventScheduled', who: ann.userID });

    const before = await sys.eventCount();
    const again = await importInto(ann, calendarID, text);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: summary.created, skipped: summary.skipped });
    expect(await sys.eventCount()).toBe(before);
  });

  it('updates what a changed file changes, and nothing else', async () => {
    const calendarID = (await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Changing' })).body.calendarID as string;
    const file = (summary: string) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN',
      'BEGIN:VEVENT', 'UID:a@example.com', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300610T090000Z', 'DTEND:20300610T100000Z', `SUMMARY:${summary}`, 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b@example.com', 'DTSTAMP:20300101T000000Z', 'DTSTART;VALUE=DATE:20300611', 'SUMMARY:Holiday', 'END:VEVENT',
      'END:VCALENDAR', ''].join('\r\n');
    expect((await importInto(ann, calendarID, file('Dentist'))).body).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: [] });
    expect((await importInto(ann, calendarID, file('Dentist (moved)'))).body).toEqual({ created: 0, updated: 1, unchanged: 1, skipped: [] });
    const read = await sys.http().get(`/events/${eventIDForICalUID(calendarID, 'a@example.com')}/history`).set(ann.auth);
    expect(read.body.history.at(-1)).toMatchObject({ type: 'CalendarEventDetailsChanged' });
  });

  it('refuses a file it cannot read, naming the line, and writes nothing of it', async () => {
    const before = await sys.eventCount();
    const broken = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:ok@example.com', 'DTSTART:20300610T090000Z', 'SUMMARY:Fine', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:bad@example.com', 'this line is no content line', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const refused = await importInto(ann, family, broken);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_ICALENDAR', line: 10, errors: [{ path: 'body', message: expect.stringMatching(/^line 10: /) }] });
    expect((await importInto(ann, family, '')).status).toBe(400);
    expect(await sys.eventCount()).toBe(before);
  });

  it('takes writers and owners only, text/calendar only; signs in with an app password too', async () => {
    const file = fixture('thunderbird-export.ics');
    expect((await importInto(bob, family, file)).body).toMatchObject({ status: 403, code: 'NOT_WRITER' });
    expect((await importInto(cyd, family, file)).body).toMatchObject({ status: 404, code: 'CALENDAR_NOT_FOUND' });
    expect((await importInto(ann, family, file, 'text/plain')).body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect((await importInto(ann, family, JSON.stringify({ file }), 'application/json')).body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const anonymous = await sys.http().post(`/calendars/${family}/import`).set('Content-Type', 'text/calendar').send(file);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="Datebook"/);
    const { password } = (await sys.http().post('/users/me/app-passwords').set(ann.auth).send({ name: 'script' })).body as { password: string };
    const basic = { Authorization: `Basic ${Buffer.from(`${ann.email}:${password}`).toString('base64')}` };
    const imported = await sys.http().post('/calendars/primary/import').set(basic).set('Content-Type', 'text/calendar').send(file);
    expect(imported.status).toBe(200);
    expect(imported.body.created).toBeGreaterThan(0);
  });
});
