import webpush from 'web-push';
import { PushDeliveryError, type PushTransport } from './pushTransport';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

function classify(error: unknown): PushDeliveryError {
  const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status !== 'number') return new PushDeliveryError(message, false, false);
  const gone = status === 404 || status === 410;
  const permanent = gone || (status >= 400 && status < 500 && status !== 429 && status !== 408);
  return new PushDeliveryError(`push service answered ${status}`, permanent, gone, status);
}

/**
 * PushTransport with the `web-push` library: RFC 8291 aes128gcm payloads, RFC 8292 VAPID. The request
 * is built by web-push and sent with fetch, so a plain-HTTP push service on loopback (tests, local
 * development) works as well as the real HTTPS ones.
 */
export function webPushTransport(vapid: VapidKeys & { subject: string }, options: { timeoutMs?: number } = {}): PushTransport {
  return {
    applicationServerKey: vapid.publicKey,
    async send(subscription, payload, push) {
      const request = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: vapid,
        TTL: push.ttlSeconds,
        urgency: push.urgency,
        contentEncoding: 'aes128gcm',
        ...(push.topic ? { topic: push.topic } : {}),
      });
      let response: Response;
      try {
        response = await fetch(request.endpoint, {
          method: 'POST',
          headers: request.headers as Record<string, string>,
          ...(request.body ? { body: request.body } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer();
      } catch (error) {
        throw classify(error);
      }
      if (response.status < 200 || response.status > 299) throw classify({ statusCode: response.status });
    },
  };
}
