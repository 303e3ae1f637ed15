import { randomUUID } from 'node:crypto';
import type { CalendarEventEvent } from '@datebook/shared-kernel';
import { type EventStore, postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { readModelProjector } from '../readModelProjector';
import { readModelChecksum, replayReadModel } from './readModelReplay';

const metadata = { actorID: randomUUID(), occurredAt: '2030-01-01T00:00:00.000Z', correlationId: 'c', schemaVersion: 1 };

async function bookSome(store: EventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const eventID = randomUUID();
    const host = randomUUID();
    const events: CalendarEventEvent[] = [
      {
        type: 'CalendarEventScheduled',
        data: {
          eventID, hostID: host, calendarID: host, visibility: 'default', title: `Event ${i}`, description: null, location: null, startTime: '2030-01-02T10:00:00.000Z', endTime: '2030-01-02T11:00:00.000Z',
          timeZone: 'UTC', allDay: false, startDate: null, endDate: null, recurrence: i % 3 === 0 ? ['RRULE:FREQ=WEEKLY'] : [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
        },
      },
      { type: 'AttendeeInvited', data: { eventID, userID: randomUUID(), invitedBy: host } },
    ];
    await store.appendToStream(`CalendarEvent-${eventID}`, events.map((e) => ({ eventID: randomUUID(), ...e, metadata })), 'no_stream');
  }
}

/** Calendars shared with people, events on them: the calendar tables and the calendars' view rows are rebuilt too. */
async function shareSome(store: EventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const [calendarID, ownerID, readerID, eventID] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const calendar = [
      { type: 'CalendarCreated', data: { calendarID, ownerID, primary: false, summary: `Family ${i}`, description: null, timeZone: 'UTC' } },
      { type: 'AccessGranted', data: { calendarID, ruleID: `user:${readerID}`, scope: { type: 'user', userID: readerID }, role: 'reader', grantedBy: ownerID } },
      ...(i % 2 === 0 ? [{ type: 'AccessRevoked', data: { calendarID, ruleID: `user:${readerID}`, revokedBy: ownerID } }] : []),
    ];
    await store.appendToStream(`Calendar-${calendarID}`, calendar.map((e) => ({ eventID: randomUUID(), ...e, metadata })), 'no_stream');
    const scheduled = {
      type: 'CalendarEventScheduled',
      data: {
        eventID, hostID: ownerID, calendarID, visibility: i % 3 === 0 ? 'private' : 'default', title: `Dinner ${i}`, description: null, location: null,
        startTime: '2030-01-03T18:00:00.000Z', endTime: '2030-01-03T20:00:00.000Z', timeZone: 'UTC', allDay: false, startDate: null, endDate: null,
        recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
      },
    };
    await store.appendToStream(`CalendarEvent-${eventID}`, [{ eventID: randomUUID(), ...scheduled, metadata: { ...metadata, schemaVersion: 3 } }], 'no_stream');
  }
}

describe('replaying the read model (blue/green)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 4 });
    store = await postgresEventStore(db);
    await db.exec(READ_MODEL_SCHEMA);
    await bookSome(store, 30);
    await shareSome(store, 6);
    const project = readModelProjector(db);
    await project(await store.readAll({ transactionId: 0n, position: 0n }, 10_000));
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('rebuilds from the start of the log into fresh tables, matches the live checksum and swaps them in', async () => {
    const before = await readModelChecksum(db, 'public');
    const result = await replayReadModel(store, db, { batchSize: 7 });
    expect(result).toMatchObject({ events: 60 + 6 * 3 + 3, switched: true, checksum: before, liveChecksum: before });
    // The calendars are in it: their tables, and the calendar's own view rows.
    expect(before).toMatch(/rm_calendars:[0-9a-f]{32} rm_calendar_rules:[0-9a-f]{32}/);
    const { rows: calendars } = await db.query<{ n: string }>('select count(*)::text as n from rm_calendars');
    const { rows: rules } = await db.query<{ n: string }>('select count(*)::text as n from rm_calendar_rules');
    const { rows: calendarRows } = await db.query<{ n: string }>('select count(*)::text as n from rm_event_users eu join rm_calendars c on c.calendar_id = eu.user_id');
    expect([calendars[0]?.n, rules[0]?.n, calendarRows[0]?.n]).toEqual(['6', '9', '6']);
    expect(await readModelChecksum(db, 'public')).toBe(before);
    const { rows } = await db.query<{ n: string }>("select count(*)::text as n from information_schema.schemata where schema_name like 'rm_rebuild_%'");
    expect(rows[0]?.n).toBe('0');
  });

  it('switches nothing when the rebuilt view differs from the live one', async () => {
    await db.query("update rm_events set status = 'cancelled' where event_id = (select event_id from rm_events limit 1)");
    const result = await replayReadModel(store, db);
    expect(result.switched).toBe(false);
    expect(result.checksum).not.toBe(result.liveChecksum);
  });
});
