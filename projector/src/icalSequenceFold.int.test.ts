import { randomUUID } from 'node:crypto';
import { type CalendarEventEvent, calendarEventDecider, commandKeyOf, iCalSequenceOf, type RecordedEvent } from '@datebook/shared-kernel';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { readModelProjector } from './readModelProjector';

const host = randomUUID();
const ann = randomUUID();

/** A stream as commands append it: each command's events share its correlation id and time. */
function streamOf(eventID: string, commands: CalendarEventEvent[][]): RecordedEvent[] {
  let version = 0;
  return commands.flatMap((events, n) => events.map((event) => ({
    eventID: randomUUID(), streamName: `CalendarEvent-${eventID}`, streamVersion: ++version, type: event.type, data: event.data,
    logPosition: { transactionId: 1n, position: BigInt(version) }, recordedAt: new Date(),
    metadata: { actorID: host, occurredAt: `2030-01-01T00:00:0${n}.000Z`, correlationId: `command-${n}`, schemaVersion: 1 },
  })));
}

describe('the SEQUENCE the read model keeps for CalDAV', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
  });
  afterAll(() => db.close());

  it('is the number the invitations carry (iCalSequenceOf over the stream), however the stream is cut into batches', async () => {
    const eventID = randomUUID();
    const stream = streamOf(eventID, [
      [
        { type: 'CalendarEventScheduled', data: { eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Plan', description: null, location: null, startTime: '2030-01-02T10:00:00.000Z', endTime: '2030-01-02T11:00:00.000Z', timeZone: 'UTC', allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true } },
        { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } },
      ],
      [{ type: 'CalendarEventRescheduled', data: { eventID, startTime: '2030-01-02T12:00:00.000Z', endTime: '2030-01-02T13:00:00.000Z', timeZone: 'UTC', allDay: false, startDate: null, endDate: null } }],
      [{ type: 'InvitationAccepted', data: { eventID, userID: ann } }],
      [
        { type: 'CalendarEventDetailsChanged', data: { eventID, title: 'Plan B', description: null, location: 'Room' } },
        { type: 'TransparencyChanged', data: { eventID, transparency: 'transparent' } },
      ],
    ]);
    const sequenceRead = async () => (await db.query<{ s: number }>("select (ical_sequence->>'sequence')::int as s from rm_events where event_id = $1", [eventID])).rows[0]?.s;
    const expected = (upTo: number) => iCalSequenceOf(stream.slice(0, upTo).map((r) => ({ event: calendarEventDecider.parse(r), position: r.streamVersion - 1, command: commandKeyOf(r.metadata) })));
    const project = readModelProjector(db);
    // Cut inside the last command: the number is right once the command is whole.
    await project(stream.slice(0, 4));
    expect(await sequenceRead()).toBe(expected(4));
    await project(stream.slice(4, 5));
    await project(stream.slice(5));
    expect(expected(stream.length)).toBeGreaterThan(0);
    expect(await sequenceRead()).toBe(expected(stream.length));
  });
});
