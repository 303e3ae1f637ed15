import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { startPushReceiver } from '../testing/pushReceiver';
import { PushDeliveryError } from './pushTransport';
import { webPushTransport } from './webPushTransport';

describe('webPushTransport against a local push service', () => {
  test('the device decrypts the payload (RFC 8291 aes128gcm) and the VAPID signature verifies (RFC 8292)', async () => {
    const receiver = await startPushReceiver();
    try {
      const keys = webpush.generateVAPIDKeys();
      const push = webPushTransport({ ...keys, subject: 'mailto:ops@datebook.test' }, { policy: { allowedHosts: [new URL(receiver.origin).host] } });
      const device = receiver.subscribe();
      await push.send(device, JSON.stringify({ title: 'Invitation: Sync', body: 'ünïcödé' }), { ttlSeconds: 600, urgency: 'high', topic: 'abc' });
      const [got] = await receiver.waitForCount(1);
      expect(JSON.parse(got?.payload ?? '{}')).toEqual({ title: 'Invitation: Sync', body: 'ünïcödé' });
      expect(got?.headers).toEqual({ ttl: '600', urgency: 'high', topic: 'abc' });
      expect(got?.audience).toBe(receiver.origin);
      expect(got?.vapidPublicKey).toBe(keys.publicKey);
    } finally {
      await receiver.close();
    }
  });

  test('410 means the subscription is gone; 429 and 5xx are worth retrying', async () => {
    const receiver = await startPushReceiver();
    try {
      const push = webPushTransport({ ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@datebook.test' }, { policy: { allowedHosts: [new URL(receiver.origin).host] } });
      const device = receiver.subscribe();
      const failure = async (status: number) => {
        receiver.answer(device, status);
        return (await push.send(device, 'x', { ttlSeconds: 60, urgency: 'normal' }).catch((error: unknown) => error)) as PushDeliveryError;
      };
      const gone = await failure(410);
      expect(gone).toBeInstanceOf(PushDeliveryError);
      expect([gone.gone, gone.permanent]).toEqual([true, true]);
      expect([(await failure(429)).permanent, (await failure(503)).permanent, (await failure(400)).permanent]).toEqual([false, false, true]);
    } finally {
      await receiver.close();
    }
  });

  test('without an allowance, a push to loopback is refused before any connection; the reason says nothing of the network', async () => {
    const receiver = await startPushReceiver();
    try {
      const push = webPushTransport({ ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@datebook.test' });
      const failure = (await push.send(receiver.subscribe(), 'x', { ttlSeconds: 60, urgency: 'normal' }).catch((error: unknown) => error)) as PushDeliveryError;
      expect(failure).toBeInstanceOf(PushDeliveryError);
      expect([failure.permanent, failure.message]).toEqual([true, 'the push endpoint is not allowed']);
      expect(receiver.received()).toEqual([]);
      expect(receiver.failures()).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('a redirect is not followed (a 3xx is a failure), even to an allowed host', async () => {
    const receiver = await startPushReceiver();
    const device = receiver.subscribe();
    let redirected = 0;
    const redirector = createServer((req, res) => {
      redirected += 1;
      req.resume();
      res.writeHead(307, { Location: device.endpoint }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const redirectorHost = `127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    try {
      const push = webPushTransport({ ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@datebook.test' }, { policy: { allowedHosts: [redirectorHost, new URL(receiver.origin).host] } });
      const viaRedirect = { ...device, endpoint: `http://${redirectorHost}/push/elsewhere` };
      const failure = (await push.send(viaRedirect, 'x', { ttlSeconds: 60, urgency: 'normal' }).catch((error: unknown) => error)) as PushDeliveryError;
      expect(failure).toBeInstanceOf(PushDeliveryError);
      expect([failure.permanent, failure.statusCode]).toEqual([true, 307]);
      expect(redirected).toBe(1);
      expect(receiver.received()).toEqual([]);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
      await receiver.close();
    }
  });

  test('an unreachable push service fails with a generic reason, worth retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const receiver = await startPushReceiver();
    try {
      const push = webPushTransport({ ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@datebook.test' }, { policy: { allowedHosts: [host] } });
      const failure = (await push.send({ ...receiver.subscribe(), endpoint: `http://${host}/push/x` }, 'x', { ttlSeconds: 60, urgency: 'normal' }).catch((error: unknown) => error)) as PushDeliveryError;
      expect(failure).toBeInstanceOf(PushDeliveryError);
      expect([failure.permanent, failure.message]).toEqual([false, 'the push service could not be reached']);
      expect(failure.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await receiver.close();
    }
  });
});
