import { randomUUID } from 'node:crypto';
import { DomainError, RESERVATION_TTL_MS } from '@datebook/shared-kernel';
import { busyTime, type EventStore, postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { type BusyLookup, reserveWithoutConflicts } from './bookingConflicts';

/** The store, counting the events each stream read returns (the work a reservation does). */
function countingReads(store: EventStore) {
  let read = 0;
  const counted: EventStore = {
    firstVersion: store.firstVersion,
    appendToStream: (name, events, expected) => store.appendToStream(name, events, expected),
    appendNewStreams: (streams) => store.appendNewStreams(streams),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
    async readStream(name) {
      const result = await store.readStream(name);
      read += result.events.length;
      return result;
    },
    async readStreams(reads) {
      const results = await store.readStreams(reads);
      for (const result of results) read += result.events.length;
      return results;
    },
  };
  return { store: counted, take: () => [read, (read = 0)][0] as number };
}

const booking = (startTime: string, minutes = 60) => ({
  eventID: randomUUID(),
  timing: { startTime, endTime: new Date(Date.parse(startTime) + minutes * 60_000).toISOString(), timeZone: 'UTC', allDay: false, startDate: null, endDate: null },
  recurrence: [],
  userIDs: [] as string[],
});

describe('reserveWithoutConflicts on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;
  let busy: BusyLookup;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDatabase.url, max: 4 });
    store = await postgresEventStore(db);
    await db.exec(READ_MODEL_SCHEMA);
    busy = (userIDs, from, to) => busyTime(db, userIDs, from, to);
  });
  afterAll(async () => {
    await db.close();
    await testDatabase.drop();
  });

  test('reads as many events for the 150th flagged booking of a host as for the 2nd', async () => {
    const hostID = randomUUID();
    const counting = countingReads(store);
    const readsPerBooking: number[] = [];
    let now = Date.parse('2031-01-06T08:00:00Z');
    for (let i = 0; i < 150; i++) {
      const candidate = { ...booking(new Date(Date.parse('2031-02-03T00:00:00Z') + i * 3_600_000).toISOString()), userIDs: [hostID] };
      await reserveWithoutConflicts(counting.store, busy, hostID, candidate, new Date(now));
      readsPerBooking.push(counting.take());
      // A host booking a meeting every 40 s: each booking sees the reservations of the minute or two before it, never the host's history.
      now += 40_000;
    }
    expect(Math.max(...readsPerBooking)).toBeLessThanOrEqual(8);
    expect(readsPerBooking.slice(-20).every((n) => n <= 8)).toBe(true);
  }, 60_000);

  test('still refuses a second booking of a reserved slot within the reservation window', async () => {
    const hostID = randomUUID();
    const now = Date.parse('2031-03-03T08:00:59.900Z');
    await reserveWithoutConflicts(store, busy, hostID, { ...booking('2031-04-01T09:00:00Z'), userIDs: [hostID] }, new Date(now));
    // 200 ms later, in the next window: the first reservation is still in force.
    const second = reserveWithoutConflicts(store, busy, hostID, { ...booking('2031-04-01T09:30:00Z'), userIDs: [hostID] }, new Date(now + 200));
    await expect(second).rejects.toMatchObject({ code: 'SCHEDULE_CONFLICT' });
    // Past the reservation's life it no longer blocks (the read model would show the booked event by then).
    await expect(reserveWithoutConflicts(store, busy, hostID, { ...booking('2031-04-01T09:30:00Z'), userIDs: [hostID] }, new Date(now + RESERVATION_TTL_MS + 1))).resolves.toBeUndefined();
  });

  test('of two concurrent bookings of the same slot exactly one wins, in one window and across a window boundary', async () => {
    for (const [round, gapMs] of [0, 2, 0, 2, 0, 2].entries()) {
      const hostID = randomUUID();
      // The first booking's clock reads 1 ms before a window ends; the second one's reads `gapMs` later.
      const first = Math.ceil(Date.parse('2031-05-01T00:00:00Z') / RESERVATION_TTL_MS + round + 1) * RESERVATION_TTL_MS - 1;
      const slot = `2031-06-0${round + 1}T09:00:00Z`;
      const outcomes = await Promise.allSettled([first, first + gapMs].map((at) =>
        reserveWithoutConflicts(store, busy, hostID, { ...booking(slot), userIDs: [hostID] }, new Date(at))));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((o) => o.status === 'rejected');
      expect(refused?.status === 'rejected' && refused.reason instanceof DomainError && refused.reason.code).toBe('SCHEDULE_CONFLICT');
    }
  });
});
