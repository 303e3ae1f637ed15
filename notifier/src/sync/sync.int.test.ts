import type { AddressInfo } from 'node:net';
import { serviceApp } from '@datebook/shared-kernel/http';
import pino from 'pino';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { randomUUID } from 'node:crypto';
import { appendChanges, pruneChanges } from './changeFeed';
import { openStream, type SseEvent } from './sseTestClient';

describe('sync', () => {
  let h: NotifierHarness;
  beforeEach(async () => {
    h = await startNotifierHarness({ database: 'postgres' });
    await h.startNotifier();
  });
  afterEach(async () => {
    await h.close();
  });

  const start = () => new Date(Math.ceil((Date.now() + 3 * 24 * 3_600_000) / 60_000) * 60_000);

  test('GET /sync returns the changes to my calendar since a token, and only mine', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const stranger = await h.registerUser('Sam');
    const first = await h.http().get('/sync').set(ann.auth);
    expect(first.status).toBe(200);
    expect(first.body.changes).toEqual([]);
    const eventID = await h.scheduleEvent(host, { start: start(), invite: [ann] });
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);

    const changes = await h.eventually(() => h.http().get('/sync').query({ since: first.body.next }).set(ann.auth), (res) => res.body.changes?.length === 2);
    expect(changes.body.changes.map((c: { change: SseEvent['data'] }) => [c.change.cause, c.change.event?.myResponse])).toEqual([
      ['AttendeeInvited', 'PENDING'],
      ['InvitationAccepted', 'ACCEPTED'],
    ]);
    const again = await h.http().get('/sync').query({ since: changes.body.next }).set(ann.auth);
    expect(again.body.changes).toEqual([]);
    expect(again.body.next).toBe(changes.body.next);
    expect((await h.http().get('/sync').query({ since: first.body.next }).set(stranger.auth)).body.changes).toEqual([]);

    await h.append(h.calendarEvent(eventID), 'AttendeeUninvited', { eventID, userID: ann.userID, uninvitedBy: host.userID }, host.userID);
    const removed = await h.eventually(() => h.http().get('/sync').query({ since: changes.body.next }).set(ann.auth), (res) => res.body.changes?.length === 1);
    expect(removed.body.changes[0].change).toMatchObject({ eventID, cause: 'AttendeeUninvited', event: null });
  });

  test('a token older than the kept history answers 410; a malformed one 400; no token 401', async () => {
    const host = await h.registerUser('Ada');
    const before = await h.http().get('/sync').set(host.auth);
    await h.scheduleEvent(host, { start: start() });
    await h.eventually(() => h.http().get('/sync').query({ since: before.body.next }).set(host.auth), (res) => res.body.changes?.length === 1);
    await pruneChanges(h.db, new Date(Date.now() + 60_000));
    const gone = await h.http().get('/sync').query({ since: before.body.next }).set(host.auth);
    expect(gone.status).toBe(410);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 410, code: 'SYNC_TOKEN_EXPIRED' });
    const fresh = await h.http().get('/sync').set(host.auth);
    expect((await h.http().get('/sync').query({ since: fresh.body.next }).set(host.auth)).status).toBe(200);
    const bad = await h.http().get('/sync').query({ since: 'yesterday' }).set(host.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'since', message: 'not a sync token' }]);
    expect((await h.http().get('/sync')).status).toBe(401);
  });

  test('GET /sync/stream pushes each change to every connected device and resumes after Last-Event-ID', async () => {
    const service = h.service;
    if (!service) throw new Error('not started');
    const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [service.router], routeDocs: [], ready: async () => undefined });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const host = await h.registerUser('Ada');
      const phone = openStream(port, host.auth);
      const laptop = openStream(port, host.auth);
      expect(await phone.ready).toBe(200);
      expect(await laptop.ready).toBe(200);
      const eventID = await h.scheduleEvent(host, { start: start() });
      await h.append(h.calendarEvent(eventID), 'CalendarEventDetailsChanged', { eventID, title: 'Renamed', description: null, location: null }, host.userID);
      await h.eventually(async () => [phone.events.length, laptop.events.length], ([a, b]) => a === 2 && b === 2);
      expect(phone.events.map((e) => [e.event, e.data.cause])).toEqual([
        ['change', 'CalendarEventScheduled'],
        ['change', 'CalendarEventDetailsChanged'],
      ]);
      expect(laptop.events.map((e) => e.id)).toEqual(phone.events.map((e) => e.id));
      phone.close();

      await h.append(h.calendarEvent(eventID), 'CalendarEventCancelled', { eventID, cancelledBy: host.userID }, host.userID);
      const resumed = openStream(port, { ...host.auth, 'Last-Event-ID': phone.events[1]?.id ?? '' });
      expect(await resumed.ready).toBe(200);
      await h.eventually(async () => resumed.events.length, (n) => n === 1);
      expect(resumed.events[0]?.data.cause).toBe('CalendarEventCancelled');
      laptop.close();
      resumed.close();
      const expired = openStream(port, { ...host.auth, 'Last-Event-ID': '0' });
      await pruneChanges(h.db, new Date(Date.now() + 60_000));
      const late = openStream(port, { ...host.auth, 'Last-Event-ID': '1' });
      expect(await late.ready).toBe(410);
      expired.close();
      late.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('tokens are ordered as numbers across 9→10 and 99→100: every change arrives once, in order, on /sync and /sync/stream', async () => {
    const ann = await h.registerUser('Ann');
    const eventID = randomUUID();
    // One transaction per change, as the reactor commits them: sequence numbers 1…120 (or thereabouts).
    const append = async (version: number) =>
      h.db.transaction(async (tx) => appendChanges(tx, [{ userID: ann.userID, change: { eventID, cause: 'CalendarEventDetailsChanged', version, occurredAt: new Date().toISOString(), event: null } }], new Date()));
    for (let version = 1; version <= 120; version += 1) await append(version);

    const polled = await h.http().get('/sync').query({ since: '0' }).set(ann.auth);
    expect(polled.status).toBe(200);
    const versions = polled.body.changes.map((c: { change: { version: number } }) => c.change.version);
    expect(versions).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const tokens = polled.body.changes.map((c: { token: string }) => BigInt(c.token));
    expect(tokens.every((t: bigint, i: number) => i === 0 || t > tokens[i - 1])).toBe(true);
    expect(tokens.some((t: bigint) => t >= 100n)).toBe(true);
    expect(polled.body.next).toBe(polled.body.changes.at(-1).token);
    // Resuming from the 7th change sends what came after it, nothing before and nothing twice.
    const seventh = polled.body.changes[6].token;
    const resumed = await h.http().get('/sync').query({ since: seventh }).set(ann.auth);
    expect(resumed.body.changes.map((c: { change: { version: number } }) => c.change.version)).toEqual(versions.slice(7));

    const service = h.service;
    if (!service) throw new Error('not started');
    const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [service.router], routeDocs: [], ready: async () => undefined });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const stream = openStream((server.address() as AddressInfo).port, { ...ann.auth, 'Last-Event-ID': '0' });
      expect(await stream.ready).toBe(200);
      await h.eventually(async () => stream.events.length, (n) => n >= 120);
      for (let version = 121; version <= 130; version += 1) await append(version);
      // Everything sent before the last change has arrived once it has (one connection keeps order).
      await h.eventually(async () => stream.events.some((e) => e.data.version === 130), Boolean);
      expect(stream.events.map((e) => e.data.version)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
      expect(stream.events.map((e) => e.id)).toEqual([...tokens.map(String), ...stream.events.slice(120).map((e) => e.id)]);
      stream.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a token that is not a position answers 400 naming since (never 500)', async () => {
    const ann = await h.registerUser('Ann');
    for (const since of ['9999999999999999999', '9223372036854775808', '-1', '1e3', ' 7', 'abc', '1'.repeat(21), '０']) {
      const res = await h.http().get('/sync').query({ since }).set(ann.auth);
      expect([since, res.status]).toEqual([since, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['since']);
    }
    expect((await h.http().get('/sync').query({ since: '9223372036854775807' }).set(ann.auth)).status).toBe(200);
  });
});
