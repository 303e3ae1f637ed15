import webpush from 'web-push';
import { startPushReceiver } from '../testing/pushReceiver';
import { PushDeliveryError } from './pushTransport';
import { webPushTransport } from './webPushTransport';

describe('webPushTransport against a local push service', () => {
  test('the device decrypts the payload (RFC 8291 aes128gcm) and the VAPID signature verifies (RFC 8292)', async () => {
    const receiver = await startPushReceiver();
    try {
      const keys = webpush.generateVAPIDKeys();
      const push = webPushTransport({ ...keys, subject: 'mailto:ops@datebook.test' });
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
      const push = webPushTransport({ ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@datebook.test' });
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
});
