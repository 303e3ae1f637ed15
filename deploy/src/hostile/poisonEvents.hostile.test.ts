import { randomUUID } from 'node:crypto';
import { streamName } from '@datebook/shared-kernel';
import { postgresEventStore } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { type HostileTarget, LAG_TARGET_MS, OPS_TOKEN, startHostileTarget } from './hostileHarness';

/**
 * Security issue, item 1 (poison events) and item 16 (inputs that answered 500): the write side accepts
 * only what every reader can read, and a consumer that meets an event it cannot handle parks it and goes on.
 */
describe('hostile: events no reader could read', () => {
  let t: HostileTarget;
  beforeAll(async () => {
    t = await startHostileTarget();
  });
  afterAll(async () => {
    await t.stop();
  });

  const post = (body: object) => () => t.sys.http().post('/events').set(t.attacker.auth).send(body);

  it.each([
    ['an all-day event on the last day of year 9999', { title: 'x', startDate: '9999-12-31' }, 'startDate'],
    ['an all-day event in year 0000', { title: 'x', startDate: '0000-01-01' }, 'startDate'],
    ['year 9999 plus 100,000 weeks', { title: 'x', startDate: '9999-01-01', duration: 'P100000W' }, 'startDate'],
    ['a timed event in 1899', { title: 'x', startTime: '1899-12-31T10:00:00Z', endTime: '1899-12-31T11:00:00Z' }, 'startTime'],
    ['a timed event ending past 2200', { title: 'x', startTime: '2199-12-31T23:00:00Z', endTime: '2200-01-01T01:00:00Z' }, 'endTime'],
    ['a duration that overflows', { title: 'x', startTime: '2030-01-01T10:00:00Z', duration: 'PT99999999999999999H' }, 'duration'],
    ['a duration past the domain', { title: 'x', startTime: '2190-01-01T10:00:00Z', duration: 'P9999W' }, 'duration'],
    ['an event longer than five years', { title: 'x', startDate: '2030-01-01', endDate: '2040-01-01' }, 'endDate'],
    ['NUL in a title', { title: 'a\u0000b', startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }, 'title'],
    ['a lone surrogate in a location', { title: 'x', location: 'a\uD800b', startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }, 'location'],
  ])('refuses %s with 400 naming the field', async (_case, body, path) => {
    await t.expectRefused(post(body), { status: 400, code: 'VALIDATION_FAILED', path });
  });

  it('refuses a move of an existing event outside the domain, and a read window in year 0001', async () => {
    const booked = await t.sys.http().post('/events').set(t.attacker.auth).send({ title: 'ok', startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' });
    expect(booked.status).toBe(201);
    await t.expectRefused(() => t.sys.http().put(`/events/${booked.body.eventID}`).set(t.attacker.auth).send({ startTime: '9999-12-31T10:00:00Z', endTime: '9999-12-31T11:00:00Z' }), { status: 400, code: 'VALIDATION_FAILED', path: 'startTime' });
    await t.expectRefused(() => t.sys.http().get('/events').query({ from: '0001-01-01T00:00:00Z', to: '0001-01-02T00:00:00Z' }).set(t.attacker.auth), { status: 400, code: 'VALIDATION_FAILED', path: 'from' });
    await t.expectRefused(() => t.sys.http().get('/events').query({ view: 'DAILY', date: '0001-01-01' }).set(t.attacker.auth), { status: 400, code: 'VALIDATION_FAILED', path: 'date' });
  });

  it('accepts the edges of the domain, and every reader reads them', async () => {
    for (const body of [
      { title: 'first day', startDate: '1900-01-01' },
      { title: 'last day', startDate: '2199-12-31' },
      { title: 'last hour', startTime: '2199-12-31T23:00:00Z', endTime: '2200-01-01T00:00:00Z' },
    ]) {
      const res = await t.sys.http().post('/events').set(t.attacker.auth).send(body);
      expect(res.status).toBe(201);
      const read = await t.sys.http().get(`/events/${res.body.eventID}`).set(t.attacker.auth).set('X-Consistency-Token', res.body.consistencyToken);
      expect(read.status).toBe(200);
      expect((await t.sys.http().get(`/events/${res.body.eventID}/history`).set(t.attacker.auth)).status).toBe(200);
    }
    expect(await t.parkedCount()).toBe(0);
  });

  describe('an unreadable event already in the store', () => {
    it('is parked by every consumer, which go on with everyone else’s bookings; readiness says degraded; a re-drive after a fix releases it', async () => {
      const store = await postgresEventStore(t.database);
      const eventID = randomUUID();
      const poison = {
        eventID, hostID: t.attacker.userID, title: 'poison', description: null, location: null,
        startTime: '9999-12-31T00:00:00.000Z', endTime: '+010000-01-01T00:00:00.000Z', timeZone: 'UTC', recurrence: [],
      };
      await store.appendToStream(streamName('CalendarEvent', eventID), [
        { eventID: randomUUID(), type: 'CalendarEventScheduled', data: poison, metadata: { actorID: t.attacker.userID, occurredAt: new Date().toISOString(), correlationId: 'hostile', schemaVersion: 1 } },
      ], 'no_stream');

      // Each of the three consumer groups (read model, views, notifier) parks it once.
      await pollUntil(async () => (await t.parkedCount()) === 3, { timeoutMs: 10_000, pollMs: 10, what: 'the poison event parked by every consumer' });
      await t.expectOthersStillServed();
      const { rows } = await t.database.query<{ consumer_group: string; stream_name: string; event_type: string; error: string }>('select consumer_group, stream_name, event_type, error from parked_events order by consumer_group');
      expect(rows.map((r) => r.consumer_group).sort()).toEqual(['notifier', 'projector-calendar-views', 'projector-read-model'].sort());
      for (const row of rows) expect(row).toMatchObject({ stream_name: streamName('CalendarEvent', eventID), event_type: 'CalendarEventScheduled' });
      expect(t.sys.parkedCounts()).toEqual({ 'projector-read-model': 1, 'projector-calendar-views': 1, notifier: 1 });
      // Degraded, not down: still 200; the counts are for operators.
      const ready = await t.sys.http().get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'degraded' });
      const forOperators = await t.sys.http().get('/readyz').set('Authorization', `Bearer ${OPS_TOKEN}`);
      expect(forOperators.body).toMatchObject({ status: 'degraded', details: { parkedEvents: { 'projector-read-model': 1, 'projector-calendar-views': 1, notifier: 1 } } });
      // Its history still answers (the raw data of what could not be read).
      expect((await t.sys.http().get(`/events/${eventID}/history`).set(t.attacker.auth)).status).toBe(200);

      // The "fix": the event made readable, then a re-drive (what `npm run redrive` asks for).
      await t.database.query(`update es_events set data = jsonb_set(data, '{endTime}', '"2030-01-01T00:00:00.000Z"') where stream_name = $1`, [streamName('CalendarEvent', eventID)]);
      await t.database.query(`update es_events set data = jsonb_set(data, '{startTime}', '"2029-12-31T23:00:00.000Z"') where stream_name = $1`, [streamName('CalendarEvent', eventID)]);
      await t.database.query('update parked_events set redrive_requested = true');
      await pollUntil(async () => (await t.parkedCount()) === 0, { timeoutMs: 10_000, pollMs: 10, what: 'the re-driven events released' });
      await pollUntil(async () => (await t.sys.http().get('/readyz')).body.status === 'ready', { timeoutMs: LAG_TARGET_MS, pollMs: 10, what: 'readiness back to ready' });
      expect((await t.sys.http().get(`/events/${eventID}`).set(t.attacker.auth)).status).toBe(200);
    });
  });
});
