import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventIDForICalUID } from '@datebook/shared-kernel';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { createTestDatabase, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import { KHAL_LINE_FORMAT, khalConfig, vdirsyncerConfig } from './clientConfigs';
import {
  appPasswordFor, basicAuth, clientEnv, described, KHAL, type ListeningSystem, memberOf, missingClients, type Person, runClient, startListeningSystem, untilCollection,
  VDIRSYNCER,
} from './davClients';

/**
 * vdirsyncer keeps a Datebook calendar and a folder of .ics files in step, both ways, and khal shows that
 * folder's week as Datebook holds it: a weekly series in Europe/Berlin across the change to summer time
 * (31 March 2030) with one occurrence moved through the REST API, an all-day event, changes made on the
 * local side (an edited file, a new file) and on the server side (a rename, a cancellation through REST).
 */
const missing = missingClients([{ program: VDIRSYNCER }, { program: KHAL }]);
const describeWithClients = missing ? describe.skip : describe;
if (missing) {
  describe('vdirsyncer and khal against Datebook', () => {
    it.skip(`skipped: ${missing}`, () => undefined);
  });
}

/** The unfolded content lines of every .ics file of a folder, by the UID of the events in it. */
function folderByUID(dir: string): Map<string, { file: string; text: string }> {
  const byUID = new Map<string, { file: string; text: string }>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ics'))) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\r?\n[ \t]/g, '');
    const uid = /^UID:(.*)$/m.exec(text)?.[1]?.trim();
    if (uid) byUID.set(uid, { file: name, text });
  }
  return byUID;
}

const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

describeWithClients('vdirsyncer and khal against Datebook', () => {
  let testDb: TestDatabase;
  let db: SqlDatabase;
  let sys: ListeningSystem;
  let ann: Person;
  let password: string;
  let work: string;
  let calendarDir: string;
  const ids = { series: '', holiday: '', lunch: '', review: '' };
  const dentistUID = `dentist-${Date.now()}@vdirsyncer.test`;

  const vdirsyncer = (args: string[], input?: string) => runClient(VDIRSYNCER, ['-c', join(work, 'vdirsyncer.conf'), '-v', 'debug', ...args], { env: clientEnv(work), timeoutMs: 60_000, ...(input ? { input } : {}) });
  const khalList = async (config: string) => {
    const run = await runClient(KHAL, ['-c', config, 'list', '--format', KHAL_LINE_FORMAT, '--day-format', '', '2030-03-18', '2030-04-07'], { env: clientEnv(work), timeoutMs: 60_000 });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  };
  const collection = () => `/dav/calendars/${ann.userID}/`;
  const version = (etag: string | undefined) => Number(/^"(\d+)-/.exec(etag ?? '')?.[1] ?? Number.NaN);
  const rest = () => sys.http();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'datebook-vdirsyncer-'));
    testDb = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDb.url, max: 10 });
    sys = await startListeningSystem(db);
    ann = await sys.signUp('ann');
    password = await appPasswordFor(sys, ann, 'vdirsyncer on the laptop');
    const localDir = join(work, 'calendars');
    mkdirSync(localDir);
    calendarDir = join(localDir, ann.userID);
    writeFileSync(join(work, 'vdirsyncer.conf'), vdirsyncerConfig({ statusDir: join(work, 'status'), localDir, url: `${sys.baseUrl}/`, username: ann.email, password }));
    chmodSync(join(work, 'vdirsyncer.conf'), 0o600);
    for (const [name, timeZone] of [['khal-berlin.conf', 'Europe/Berlin'], ['khal-utc.conf', 'UTC']] as const) {
      writeFileSync(join(work, name), khalConfig({ calendarDir, databasePath: join(work, `${name}.db`), timeZone }));
    }

    // What Ann booked through the REST API: a weekly stand-up at 09:00 Berlin time across the clock change,
    // its second occurrence moved to 11:00, a holiday (all-day), a lunch and a review.
    const series = await rest().post('/events').set(ann.auth).send({ title: 'Stand-up', startTime: '2030-03-18T09:00', duration: 'PT15M', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4'] });
    expect(series.status).toBe(201);
    ids.series = series.body.eventID;
    const moved = await rest().put(`/events/${ids.series}/occurrences/2030-03-25T08:00:00Z`).set(ann.auth).send({ startTime: '2030-03-25T11:00', endTime: '2030-03-25T11:15' });
    expect(moved.status).toBe(200);
    const holiday = await rest().post('/events').set(ann.auth).send({ title: 'Holiday', startDate: '2030-03-27' });
    const lunch = await rest().post('/events').set(ann.auth).send({ title: 'Lunch', startTime: '2030-03-26T12:00:00+01:00', endTime: '2030-03-26T13:00:00+01:00' });
    const review = await rest().post('/events').set(ann.auth).send({ title: 'Review', startTime: '2030-03-28T15:00:00+01:00', endTime: '2030-03-28T16:00:00+01:00' });
    expect([holiday.status, lunch.status, review.status]).toEqual([201, 201, 201]);
    [ids.holiday, ids.lunch, ids.review] = [holiday.body.eventID, lunch.body.eventID, review.body.eventID];
    await untilCollection(sys.baseUrl, collection(), basicAuth(ann.email, password), (s) => s.members.size === 4 && version(memberOf(s.members, ids.series)?.[1]) === moved.body.version,
      'the four REST bookings (the moved occurrence included) in the collection');
  }, 60_000);
  afterAll(async () => {
    await sys?.close();
    await db?.close();
    await testDb?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('discovers the calendar from the server root and copies every event into the folder', async () => {
    // discover asks whether to create the local folder of each calendar found: yes.
    const discovered = await vdirsyncer(['discover'], 'y\n'.repeat(10));
    expect(discovered.code).toBe(0);
    const synced = await vdirsyncer(['sync']);
    if (synced.code !== 0) throw new Error(`vdirsyncer sync failed: ${described(synced)}`);

    const local = folderByUID(calendarDir);
    expect([...local.keys()].sort()).toEqual([ids.series, ids.holiday, ids.lunch, ids.review].map((id) => `${id}@datebook`).sort());
    const series = local.get(`${ids.series}@datebook`)!.text;
    expect(series).toMatch(/^DTSTART;TZID=Europe\/Berlin:20300318T090000$/m);
    expect(series).toMatch(/^RRULE:FREQ=WEEKLY;.*COUNT=4/m);
    expect(series).toMatch(/^RECURRENCE-ID;TZID=Europe\/Berlin:20300325T090000$/m);
    expect(series).toMatch(/^DTSTART;TZID=Europe\/Berlin:20300325T110000$/m);
    expect(series).toMatch(/^BEGIN:VTIMEZONE$/m);
    expect(local.get(`${ids.holiday}@datebook`)!.text).toMatch(/^DTSTART;VALUE=DATE:20300327$/m);
  }, 120_000);

  it('carries changes both ways: a file edited and a file added locally, a rename and a cancellation through REST', async () => {
    const before = folderByUID(calendarDir);
    // Local side: Lunch renamed and placed in the folder's file; a new file for the dentist.
    const lunchFile = join(calendarDir, before.get(`${ids.lunch}@datebook`)!.file);
    const lunchText = readFileSync(lunchFile, 'utf8');
    expect(lunchText).toMatch(/^SUMMARY:Lunch\r?$/m);
    writeFileSync(lunchFile, lunchText.replace(/^SUMMARY:Lunch(\r?)$/m, 'SUMMARY:Lunch with Bob$1\nLOCATION:Canteen$1'));
    writeFileSync(join(calendarDir, 'dentist.ics'), [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook tests//by hand//EN', ...BERLIN_VTIMEZONE,
      'BEGIN:VEVENT', `UID:${dentistUID}`, 'DTSTAMP:20300301T000000Z', 'DTSTART;TZID=Europe/Berlin:20300329T083000', 'DTEND;TZID=Europe/Berlin:20300329T093000', 'SUMMARY:Dentist', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n'));
    // Server side: the holiday renamed, the review cancelled, both through REST.
    const renamed = await rest().put(`/events/${ids.holiday}`).set(ann.auth).send({ title: 'Holiday (Easter)' });
    expect(renamed.status).toBe(200);
    expect((await rest().delete(`/events/${ids.review}`).set(ann.auth)).status).toBe(204);
    await untilCollection(sys.baseUrl, collection(), basicAuth(ann.email, password), (s) => !memberOf(s.members, ids.review) && version(memberOf(s.members, ids.holiday)?.[1]) === renamed.body.version,
      'the rename and the cancellation in the collection');

    const synced = await vdirsyncer(['sync']);
    if (synced.code !== 0) throw new Error(`vdirsyncer sync failed: ${described(synced)}`);

    const local = folderByUID(calendarDir);
    expect([...local.keys()].sort()).toEqual([`${ids.series}@datebook`, `${ids.holiday}@datebook`, `${ids.lunch}@datebook`, dentistUID].sort());
    expect(local.get(`${ids.holiday}@datebook`)!.text).toMatch(/^SUMMARY:Holiday \(Easter\)\r?$/m);
    // The server has what the folder said, in the REST API as in CalDAV.
    const dentistID = eventIDForICalUID(ann.userID, dentistUID);
    let seen: Record<string, unknown> = {};
    await pollUntil(async () => {
      const [lunch, dentist] = [await rest().get(`/events/${ids.lunch}`).set(ann.auth), await rest().get(`/events/${dentistID}`).set(ann.auth)];
      seen = { lunch: [lunch.status, lunch.body], dentist: [dentist.status, dentist.body] };
      return lunch.body.title === 'Lunch with Bob' && dentist.status === 200;
    }, { timeoutMs: 10_000, what: () => `the local edit and the new file through REST (last seen ${JSON.stringify(seen)})` });
    const lunch = (await rest().get(`/events/${ids.lunch}`).set(ann.auth)).body;
    expect(lunch).toMatchObject({ title: 'Lunch with Bob', location: 'Canteen' });
    expect(Date.parse(lunch.startTime)).toBe(Date.parse('2030-03-26T11:00:00Z'));
    const dentist = (await rest().get(`/events/${dentistID}`).set(ann.auth)).body;
    expect(dentist).toMatchObject({ title: 'Dentist', timeZone: 'Europe/Berlin' });
    // 08:30 in Berlin on 29 March 2030 is still winter time (UTC+1).
    expect(Date.parse(dentist.startTime)).toBe(Date.parse('2030-03-29T07:30:00Z'));
  }, 120_000);

  it('has nothing left to do on the next sync: both sides agree', async () => {
    // The items the local side wrote come back once as the server keeps them (a PUT answers no ETag, for the
    // server adds ORGANIZER, DTSTAMP, …: RFC 4791 §5.3.4), always towards the folder, never back to the server.
    const settled = await vdirsyncer(['sync']);
    if (settled.code !== 0) throw new Error(`vdirsyncer sync failed: ${described(settled)}`);
    expect(settled.stderr.split('\n').filter((l) => /Copying|Deleting|conflict/i.test(l) && !/to datebook_local\//.test(l))).toEqual([]);
    const before = folderByUID(calendarDir);
    const synced = await vdirsyncer(['sync']);
    if (synced.code !== 0) throw new Error(`vdirsyncer sync failed: ${described(synced)}`);
    // vdirsyncer says "Copying …" / "Deleting …" for every item it moves; an agreed pair moves none.
    expect(synced.stderr.split('\n').filter((l) => /Copying|Deleting|conflict/i.test(l))).toEqual([]);
    expect(folderByUID(calendarDir)).toEqual(before);
  }, 120_000);

  it('shows the synced weeks in khal as Datebook holds them: wall-clock 09:00 across the clock change, the moved occurrence, the all-day event', async () => {
    expect(await khalList(join(work, 'khal-berlin.conf'))).toEqual([
      '2030-03-18 09:00-09:15 Stand-up',
      '2030-03-25 11:00-11:15 Stand-up',
      '2030-03-26 12:00-13:00 Lunch with Bob',
      '2030-03-27 - Holiday (Easter)',
      '2030-03-29 08:30-09:30 Dentist',
      '2030-04-01 09:00-09:15 Stand-up',
    ]);
    // The same weeks in UTC: the stand-up moves by the hour Berlin's clocks moved (UTC+1 → UTC+2 on 31 March).
    const utc = await khalList(join(work, 'khal-utc.conf'));
    expect(utc.filter((l) => l.endsWith('Stand-up'))).toEqual(['2030-03-18 08:00-08:15 Stand-up', '2030-03-25 10:00-10:15 Stand-up', '2030-04-01 07:00-07:15 Stand-up']);
  }, 60_000);
});
