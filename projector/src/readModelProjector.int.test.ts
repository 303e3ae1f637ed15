import { randomUUID } from 'node:crypto';
import type { CalendarEventEvent, RecordedEvent } from '@datebook/shared-kernel';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { readModelProjector } from './readModelProjector';

const host = randomUUID();
const ann = randomUUID();

function recorded(eventID: string, version: number, event: CalendarEventEvent): RecordedEvent {
  return {
    eventID: randomUUID(), streamName: `CalendarEvent-${eventID}`, streamVersion: version, type: event.type, data: event.data,
    logPosition: { transactionId: 1n, position: BigInt(version) }, recordedAt: new Date(),
    metadata: { actorID: host, occurredAt: '2030-01-01T00:00:00.000Z', correlationId: 'c', schemaVersion: 1 },
  };
}

function history(eventID: string): RecordedEvent[] {
  return [
    recorded(eventID, 1, {
      type: 'CalendarEventScheduled',
      data: {
        eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Plan', description: null, location: null, startTime: '2030-01-02T10:00:00.000Z', endTime: '2030-01-02T11:00:00.000Z',
        timeZone: 'UTC', allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
      },
    }),
    recorded(eventID, 2, { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } }),
    recorded(eventID, 3, { type: 'InvitationAccepted', data: { eventID, userID: ann } }),
    recorded(eventID, 4, { type: 'CalendarEventDetailsChanged', data: { eventID, title: 'Plan B', description: null, location: 'Room' } }),
  ];
}

describe('the read-model projector', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
  });
  afterAll(() => db.close());

  const snapshot = async () => ({
    events: (await db.query('select event_id, title, location, version::text, status from rm_events order by event_id')).rows,
    users: (await db.query('select event_id, user_id, rsvp_status from rm_event_users order by event_id, user_id')).rows,
  });

  it('gives the same read model however a stream is delivered: once, twice, in pieces, or with stale repeats', async () => {
    const project = readModelProjector(db);
    const a = randomUUID();
    await project(history(a));
    const once = await snapshot();
    expect(once.events).toEqual([{ event_id: a, title: 'Plan B', location: 'Room', version: '4', status: 'confirmed' }]);
    expect(once.users).toHaveLength(2);

    await project(history(a));
    await project([...history(a), ...history(a)]);
    await project(history(a).slice(0, 2));
    expect(await snapshot()).toEqual(once);
  });

  it('applies a batch that holds several streams and a stream split across batches', async () => {
    const project = readModelProjector(db);
    const [b, c] = [randomUUID(), randomUUID()];
    const [hb, hc] = [history(b), history(c)];
    await project([...hb.slice(0, 3), ...hc.slice(0, 1)]);
    await project([...hc.slice(1), ...hb.slice(3)]);
    const { rows } = await db.query<{ event_id: string; title: string }>('select event_id, title from rm_events where event_id = any($1::uuid[]) order by title', [[b, c]]);
    expect(rows.map((r) => r.title)).toEqual(['Plan B', 'Plan B']);
  });
});
