import { calendarEventStreamName, eventIDForICalUID } from '@datebook/shared-kernel';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type AccountsApp, startAccountsApp, uniqueEmail } from '../users/testing/accountsApp';

const file = (summaries: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN',
  ...summaries.flatMap((summary, i) => ['BEGIN:VEVENT', `UID:event-${i}@example.com`, 'DTSTAMP:20300101T000000Z', `DTSTART:2030${String(1 + Math.floor(i / 20)).padStart(2, '0')}${String(1 + (i % 20)).padStart(2, '0')}T090000Z`, 'DURATION:PT1H', `SUMMARY:${summary}`, 'END:VEVENT']),
  'END:VCALENDAR', ''].join('\r\n');

/**
 * The command API alone, without a read model to look UIDs up in: every UID looks new, so each event is
 * scheduled outright, and an event already there must be found on its stream and planned again.
 */
describe('iCalendar import without a read model', () => {
  let db: SqlDatabase;
  let sys: AccountsApp;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startAccountsApp(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('creates once, then finds every event on its stream: unchanged, or updated where the file changed', async () => {
    const ann = await sys.signUp(uniqueEmail('ann'), 'a good password');
    const importFile = (text: string) => sys.http().post('/calendars/primary/import').set(ann.auth).set('Content-Type', 'text/calendar').send(text);
    const summaries = Array.from({ length: 40 }, (_, i) => `Event ${i}`);
    expect((await importFile(file(summaries))).body).toEqual({ created: 40, updated: 0, unchanged: 0, skipped: [] });
    expect((await importFile(file(summaries))).body).toEqual({ created: 0, updated: 0, unchanged: 40, skipped: [] });
    const changed = summaries.map((summary, i) => (i === 7 ? 'Event 7 (moved)' : summary));
    expect((await importFile(file(changed))).body).toEqual({ created: 0, updated: 1, unchanged: 39, skipped: [] });
    const { events } = await sys.store.readStream(calendarEventStreamName(eventIDForICalUID(ann.userID, 'event-7@example.com')));
    expect(events.map((event) => event.type)).toEqual(['CalendarEventScheduled', 'CalendarEventDetailsChanged']);
    expect(events.every((event) => event.metadata.actorID === ann.userID)).toBe(true);
  });
});
