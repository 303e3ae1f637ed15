import { randomUUID } from 'node:crypto';
import type { CalendarEventEvent, RecordedEvent } from '@datebook/shared-kernel';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { readModelProjector } from './readModelProjector';

const host = randomUUID();
const ann = randomUUID();
const team = randomUUID();

function recorded(eventID: string, version: number, event: CalendarEventEvent): RecordedEvent {
  return {
    eventID: randomUUID(), streamName: `CalendarEvent-${eventID}`, streamVersion: version, type: event.type, data: event.data,
    logPosition: { transactionId: 1n, position: BigInt(version) }, recordedAt: new Date(),
    metadata: { actorID: host, occurredAt: '2030-01-01T00:00:00.000Z', correlationId: 'c', schemaVersion: 1 },
  };
}

const scheduled = (eventID: string, calendarID: string): CalendarEventEvent => ({
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID, visibility: 'default', title: 'Plan', description: null, location: null, startTime: '2030-01-02T10:00:00.000Z', endTime: '2030-01-02T11:00:00.000Z',
    timeZone: 'UTC', allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true, iCalUID: 'plan@client',
  },
});

describe('CalDAV collections in the read model', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
  });
  afterAll(() => db.close());

  const members = async (eventID: string) =>
    (await db.query<{ collection_id: string; present: boolean; seq: string }>('select collection_id, present, seq::text from rm_collection_members where event_id = $1 order by collection_id', [eventID])).rows;
  const seqOf = async (collectionID: string) => Number((await db.query<{ seq: string }>('select seq::text from rm_collections where collection_id = $1', [collectionID])).rows[0]?.seq ?? 0);

  it('puts an event in its calendar and in each guest primary collection, raises each counter per change, and marks where it left', async () => {
    const project = readModelProjector(db);
    const id = randomUUID();
    const stream = [
      recorded(id, 1, scheduled(id, team)),
      recorded(id, 2, { type: 'AttendeeInvited', data: { eventID: id, userID: ann, invitedBy: host } }),
    ];
    await project(stream);
    // The host's event on another calendar is not in the host's own primary collection (as in the views).
    expect((await members(id)).map((m) => [m.collection_id, m.present]).sort()).toEqual([[ann, true], [team, true]].sort());
    const [teamBefore, annBefore] = [await seqOf(team), await seqOf(ann)];
    expect((await db.query('select ical_uid from rm_events where event_id = $1', [id])).rows).toEqual([{ ical_uid: 'plan@client' }]);

    await project([recorded(id, 3, { type: 'AttendeeUninvited', data: { eventID: id, userID: ann, uninvitedBy: host } })]);
    expect(await seqOf(team)).toBe(teamBefore + 1);
    expect(await seqOf(ann)).toBe(annBefore + 1);
    expect(await members(id)).toEqual(expect.arrayContaining([{ collection_id: ann, present: false, seq: String(annBefore + 1) }, { collection_id: team, present: true, seq: String(teamBefore + 1) }]));

    // A redelivery changes nothing, not even a counter; a cancellation leaves every collection.
    await project(stream);
    expect(await seqOf(team)).toBe(teamBefore + 1);
    await project([recorded(id, 4, { type: 'CalendarEventCancelled', data: { eventID: id, cancelledBy: host } })]);
    expect((await members(id)).map((m) => m.present)).toEqual([false, false]);
    expect(await seqOf(ann)).toBe(annBefore + 1);
    expect(await seqOf(team)).toBe(teamBefore + 2);
  });

  it('takes an event out of the primary collection of a guest who declined it, and back when they accept', async () => {
    const project = readModelProjector(db);
    const id = randomUUID();
    await project([recorded(id, 1, scheduled(id, host)), recorded(id, 2, { type: 'AttendeeInvited', data: { eventID: id, userID: ann, invitedBy: host } })]);
    await project([recorded(id, 3, { type: 'InvitationDeclined', data: { eventID: id, userID: ann } })]);
    expect((await members(id)).map((m) => [m.collection_id, m.present]).sort()).toEqual([[ann, false], [host, true]].sort());
    await project([recorded(id, 4, { type: 'InvitationAccepted', data: { eventID: id, userID: ann } })]);
    expect((await members(id)).every((m) => m.present)).toBe(true);
  });

  it('gives an API-made event the UID its invitations carry', async () => {
    const id = randomUUID();
    const plain = scheduled(id, host);
    if (plain.type !== 'CalendarEventScheduled') throw new Error('unreachable');
    const { iCalUID: _uid, ...data } = plain.data;
    await readModelProjector(db)([recorded(id, 1, { type: 'CalendarEventScheduled', data })]);
    expect((await db.query('select ical_uid from rm_events where event_id = $1', [id])).rows).toEqual([{ ical_uid: `${id}@datebook` }]);
    expect((await members(id)).map((m) => m.collection_id)).toEqual([host]);
  });
});
