import { randomUUID } from 'node:crypto';
import { DomainError, type ScheduleCommand, scheduleDecider, scheduleStreamsAt, streamName } from '@datebook/shared-kernel';
import { type EventStore, postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { countingReads, createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { calendarEventService } from '../calendarEvents/calendarEventService';
import { userAccounts } from '../users/userAccounts';
import { handleCommand, loadStream } from './handleCommand';


describe('handleCommand on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDatabase.url, max: 4 });
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
    await testDatabase.drop();
  });

  const now = new Date('2030-01-01T08:00:00.000Z');
  const context = (actorID: string) => ({ actorID, now, correlationId: randomUUID() });
  const metadataOf = async (stream: string) => (await store.readStream(stream)).events.map((e) => [e.type, e.metadata.schemaVersion]);

  describe('an event stored in an older schema version', () => {
    it('is read upcast by the command handler, which decides on the current shape', async () => {
      const [eventID, hostID] = [randomUUID(), randomUUID()];
      const stream = streamName('CalendarEvent', eventID);
      // As version 1 wrote it: all day, without transparency or guestsCanSeeOtherGuests.
      const v1 = {
        eventID, hostID, title: 'Offsite', description: null, location: null, startTime: '2030-02-01T00:00:00.000Z', endTime: '2030-02-02T00:00:00.000Z',
        timeZone: 'Europe/Berlin', allDay: true, startDate: '2030-02-01', endDate: '2030-02-02', recurrence: [],
      };
      await store.appendToStream(stream, [{ eventID: randomUUID(), type: 'CalendarEventScheduled', data: v1, metadata: { ...context(hostID), occurredAt: now.toISOString(), schemaVersion: 1 } }], 'no_stream');

      const events = calendarEventService(store, userAccounts(store));
      const read = await events.current(eventID);
      expect(read.version).toBe(store.firstVersion);
      expect(read.state).toMatchObject({ status: 'scheduled', transparency: 'transparent', guestsCanSeeOtherGuests: true });

      // What the upcaster filled in is what the event is: setting it again changes nothing.
      const same = await events.run(eventID, { type: 'ChangeEvent', data: { eventID, actorID: hostID, access: { calendarID: hostID, role: 'owner' }, changes: { transparency: 'transparent', guestsCanSeeOtherGuests: true } } }, context(hostID));
      expect(same.events).toEqual([]);
      const changed = await events.run(eventID, { type: 'ChangeEvent', data: { eventID, actorID: hostID, access: { calendarID: hostID, role: 'owner' }, changes: { guestsCanSeeOtherGuests: false } } }, context(hostID));
      expect(changed.events).toEqual([{ type: 'GuestPermissionsChanged', data: { eventID, guestsCanSeeOtherGuests: false } }]);
      expect(await metadataOf(stream)).toEqual([['CalendarEventScheduled', 1], ['GuestPermissionsChanged', 1]]);
      expect((await events.load(eventID))).toMatchObject({ transparency: 'transparent', guestsCanSeeOtherGuests: false });
    });

    it('is never written again: a new event is stamped with its type’s current version and carries its fields', async () => {
      const [eventID, hostID] = [randomUUID(), randomUUID()];
      const events = calendarEventService(store, userAccounts(store));
      const timing = { startTime: '2030-03-01T09:00:00.000Z', endTime: '2030-03-01T10:00:00.000Z', timeZone: 'UTC', allDay: false, startDate: null, endDate: null };
      await events.run(eventID, { type: 'ScheduleEvent', data: { eventID, hostID, access: { calendarID: hostID, role: 'owner' }, title: 'Plan', description: null, location: null, timing, recurrence: [], invitedUserIDs: [] } }, context(hostID));
      const [stored] = (await store.readStream(streamName('CalendarEvent', eventID))).events;
      expect(stored?.metadata.schemaVersion).toBe(3);
      expect(stored?.data).toMatchObject({ transparency: 'opaque', guestsCanSeeOtherGuests: true, calendarID: hostID, visibility: 'default' });
    });
  });

  describe('a state loaded before the command', () => {
    const reserve = (userID: string, eventID: string): ScheduleCommand => ({
      type: 'ReserveTime',
      data: { userID, eventID, now: now.toISOString(), knownConflicts: [], intervals: [{ start: '2030-04-01T09:00:00.000Z', end: '2030-04-01T10:00:00.000Z' }] },
    });

    it('stands in for the first read, and a stale one is decided again on a fresh read', async () => {
      const hostID = randomUUID();
      const [schedule] = scheduleStreamsAt(hostID, now);
      const stale = await loadStream(store, schedule, scheduleDecider);
      await handleCommand(store, schedule, scheduleDecider, reserve(hostID, randomUUID()), context(hostID));
      // Decided on the stale state the reservation passes; the append at its version fails, the retry sees the slot taken.
      const counting = countingReads(store);
      const late = handleCommand(counting.store, schedule, scheduleDecider, reserve(hostID, randomUUID()), context(hostID), stale);
      await expect(late).rejects.toBeInstanceOf(DomainError);
      await expect(late).rejects.toMatchObject({ code: 'SCHEDULE_CONFLICT' });
      expect(counting.reads()).toBe(1);
      expect(await metadataOf(schedule)).toEqual([['TimeReserved', 1]]);
    });

    it('is not read again when it is current', async () => {
      const hostID = randomUUID();
      const [schedule] = scheduleStreamsAt(hostID, now);
      const counting = countingReads(store);
      const loaded = await loadStream(counting.store, schedule, scheduleDecider);
      const result = await handleCommand(counting.store, schedule, scheduleDecider, reserve(hostID, randomUUID()), context(hostID), loaded);
      expect(counting.reads()).toBe(1);
      expect(result.version).toBe(store.firstVersion);
    });
  });
});
