import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';

describe('devices', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness();
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  test('register, list, re-register the same endpoint, remove; only my own', async () => {
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const key = await h.http().get('/devices/push-key').set(ann.auth);
    expect(Buffer.from(key.body.applicationServerKey, 'base64url')).toHaveLength(65);
    // The key is kept: a restarted notifier hands out the same one, so existing subscriptions still work.
    await h.stopNotifier();
    await h.startNotifier();
    expect((await h.http().get('/devices/push-key').set(ann.auth)).body.applicationServerKey).toBe(key.body.applicationServerKey);

    const subscription = h.pushService.subscribe();
    const created = await h.http().post('/devices').set(ann.auth).send(subscription);
    expect(created.status).toBe(201);
    const again = await h.http().post('/devices').set(ann.auth).send({ ...subscription, keys: h.pushService.subscribe().keys });
    expect(again.status).toBe(200);
    expect(again.body.deviceID).toBe(created.body.deviceID);
    expect((await h.http().get('/devices').set(ann.auth)).body.devices.map((d: { deviceID: string }) => d.deviceID)).toEqual([created.body.deviceID]);
    expect((await h.http().get('/devices').set(ben.auth)).body.devices).toEqual([]);
    expect((await h.http().delete(`/devices/${created.body.deviceID}`).set(ben.auth)).status).toBe(404);
    expect((await h.http().delete(`/devices/${created.body.deviceID}`).set(ann.auth)).status).toBe(204);
    expect((await h.http().delete(`/devices/${created.body.deviceID}`).set(ann.auth)).status).toBe(404);
  });

  test('bad subscriptions are refused with the offending fields; no token is 401', async () => {
    const ann = await h.registerUser('Ann');
    const bad = await h.http().post('/devices').set(ann.auth).send({ endpoint: 'http://push.example.com/x', keys: { p256dh: 'short', auth: '!!' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['endpoint', 'keys.auth', 'keys.p256dh']);
    expect((await h.http().post('/devices').send(h.pushService.subscribe())).status).toBe(401);
    expect((await h.http().delete('/devices/not-a-uuid').set(ann.auth)).status).toBe(400);
  });

  test('a device whose subscription is gone (410) is dropped and gets nothing more', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const subscription = h.pushService.subscribe();
    const device = await h.http().post('/devices').set(ann.auth).send(subscription);
    h.pushService.answer(subscription, 410);
    const eventID = await h.scheduleEvent(host, { start: new Date(Date.now() + 86_400_000), invite: [ann] });
    const rows = await h.eventually(() => h.ledger(eventID), (entries) => entries.length === 2 && entries.every((e) => e.status !== 'pending'));
    expect(rows.find((e) => e.channel === 'push')?.status).toBe('failed');
    expect((await h.http().get('/devices').set(ann.auth)).body.devices).toEqual([]);
    expect((await h.http().delete(`/devices/${device.body.deviceID}`).set(ann.auth)).status).toBe(404);
  });

  test('push endpoints on internal addresses are refused at registration, naming endpoint (only the allowed receiver passes)', async () => {
    const ann = await h.registerUser('Ann');
    const keys = h.pushService.subscribe().keys;
    const receiverPort = new URL(h.pushService.origin).port;
    const internal = [
      'https://127.0.0.1/push/x',
      `http://127.0.0.1:${Number(receiverPort) + 1}/push/x`,
      `http://localhost:${receiverPort}/push/x`,
      'https://localhost/push/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/push/x',
      'https://192.168.1.1/push/x',
      'https://100.64.0.1/push/x',
      'https://0.0.0.0/push/x',
      'https://[::1]/push/x',
      'https://[::ffff:127.0.0.1]/push/x',
      'https://[::ffff:a9fe:a9fe]/push/x',
      'https://[fd00::1]/push/x',
      'https://[fe80::1]/push/x',
      'https://224.0.0.1/push/x',
    ];
    for (const endpoint of internal) {
      const refused = await h.http().post('/devices').set(ann.auth).send({ endpoint, keys });
      expect([endpoint, refused.status]).toEqual([endpoint, 400]);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['endpoint']);
    }
    expect((await h.http().get('/devices').set(ann.auth)).body.devices).toEqual([]);
  });

  test('an endpoint registered by one account cannot be taken over by another (409); the device stays with its owner', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const mallory = await h.registerUser('Mallory');
    const subscription = h.pushService.subscribe();
    const mine = await h.http().post('/devices').set(ann.auth).send(subscription);
    expect(mine.status).toBe(201);
    const takeover = await h.http().post('/devices').set(mallory.auth).send({ ...subscription, keys: h.pushService.subscribe().keys });
    expect(takeover.status).toBe(409);
    expect(takeover.body).toMatchObject({ code: 'DEVICE_TAKEN', errors: [{ path: 'endpoint' }] });
    expect((await h.http().get('/devices').set(mallory.auth)).body.devices).toEqual([]);
    expect((await h.http().get('/devices').set(ann.auth)).body.devices.map((d: { deviceID: string }) => d.deviceID)).toEqual([mine.body.deviceID]);
    // Ann's keys were not replaced: a push to her still decrypts with her subscription's keys.
    await h.scheduleEvent(host, { start: new Date(Date.now() + 86_400_000), invite: [ann], title: 'Still mine' });
    const [push] = await h.pushService.waitForCount(1);
    expect(JSON.parse(push?.payload ?? '{}')).toMatchObject({ title: 'Invitation: Still mine' });
    expect(h.pushService.failures()).toEqual([]);
  });

  test('a device whose host is no longer allowed is refused again at send time, with a generic reason in the ledger', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    expect((await h.http().post('/devices').set(ann.auth).send(h.pushService.subscribe())).status).toBe(201);
    const before = h.pushService.received().length;
    await h.stopNotifier();
    await h.startNotifier({ options: { pushAllowedHosts: [] } });
    try {
      const eventID = await h.scheduleEvent(host, { start: new Date(Date.now() + 86_400_000), invite: [ann] });
      const rows = await h.eventually(() => h.ledger(eventID), (entries) => entries.some((e) => e.channel === 'push' && e.status !== 'pending'));
      expect(rows.find((e) => e.channel === 'push')).toMatchObject({ status: 'failed', last_error: 'the push endpoint is not allowed' });
      const listed = await h.http().get(`/events/${eventID}/notifications`).set(host.auth);
      expect(listed.body.notifications.find((n: { channel: string }) => n.channel === 'push').lastError).toBe('the push endpoint is not allowed');
      expect(h.pushService.received()).toHaveLength(before);
    } finally {
      await h.stopNotifier();
      await h.startNotifier();
    }
  });
});
