import { randomUUID } from 'node:crypto';
import { streamName } from '@datebook/shared-kernel';
import { postgresEventStore } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { type HostileTarget, longestLoopBlock, MAX_LOOP_BLOCK_MS, startHostileTarget } from './hostileHarness';

/** Security issue, item 3: no recurrence rule, written now or stored before the limits, can freeze the process. */
describe('hostile: recurrences that would cost without end', () => {
  let t: HostileTarget;
  beforeAll(async () => {
    t = await startHostileTarget();
  });
  afterAll(async () => {
    await t.stop();
  });

  const series = (recurrence: string[], startTime = '2030-01-01T09:00') => () =>
    t.sys.http().post('/events').set(t.attacker.auth).send({ title: 'series', startTime, duration: 'PT15M', timeZone: 'Europe/Berlin', recurrence });

  it.each([
    ['COUNT=100000000', ['RRULE:FREQ=DAILY;COUNT=100000000'], 'recurrence.0'],
    ['the largest COUNT once accepted', ['RRULE:FREQ=MINUTELY;COUNT=999999999'], 'recurrence.0'],
    ['a rule with 86,400 instances a day', ['RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59'], 'recurrence.0'],
    ['an UNTIL past the domain', ['RRULE:FREQ=DAILY;UNTIL=99991231T000000Z'], 'recurrence.0'],
    ['an EXDATE before the domain', ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:18000101T090000Z'], 'recurrence.1'],
  ])('refuses %s with 400 naming the recurrence line', async (_case, recurrence, path) => {
    await t.expectRefused(series(recurrence), { status: 400, code: 'VALIDATION_FAILED', path });
  });

  it('serves another person’s free/busy and availability far into a huge series stored before the limits, without blocking the loop', async () => {
    // Appended straight into the store, as an old build would have accepted it.
    const store = await postgresEventStore(t.database);
    const eventID = randomUUID();
    await store.appendToStream(streamName('CalendarEvent', eventID), [{
      eventID: randomUUID(), type: 'CalendarEventScheduled',
      data: { eventID, hostID: t.canaryGuest.userID, title: 'old', description: null, location: null, startTime: '2030-01-01T08:00:00.000Z', endTime: '2030-01-01T08:15:00.000Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=MINUTELY;COUNT=999999999'] },
      metadata: { actorID: t.canaryGuest.userID, occurredAt: new Date().toISOString(), correlationId: 'hostile', schemaVersion: 1 },
    }], 'no_stream');
    await pollUntil(async () => (await t.sys.http().get(`/events/${eventID}`).set(t.canaryGuest.auth)).status === 200, { timeoutMs: 10_000, pollMs: 10, what: 'the old series in the read model' });

    const { result: [busy, free], blockedMs } = await longestLoopBlock(() => Promise.all([
      t.sys.http().post('/freebusy').set(t.attacker.auth).send({ userIDs: [t.canaryGuest.userID], from: '2150-06-01T00:00:00Z', to: '2150-06-02T00:00:00Z' }),
      t.sys.http().patch('/events/availability').set(t.attacker.auth).send({ userID: t.canaryGuest.userID, startTime: '2150-06-01T10:00:00Z', endTime: '2150-06-01T11:00:00Z' }),
    ]));
    expect(busy.status).toBe(200);
    expect(free.status).toBe(200);
    // Whatever the read could not expand counts as busy, never free.
    expect(free.body).toEqual({ available: false });
    // A rule stored before the write limits is bounded by the expansion budget (100,000 steps, ~30–60 ms
    // here), not by those limits: twice the suite's bound, and never the minutes it once cost.
    expect(blockedMs).toBeLessThan(MAX_LOOP_BLOCK_MS * 2);
    expect(await t.parkedCount()).toBe(0);
    await t.expectOthersStillServed();
  });
});
