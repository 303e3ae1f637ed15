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
});
