import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import webpush from 'web-push';
import { PUBLIC_PUSH_ENDPOINTS_ONLY, PushEndpointRefused, type PushEndpointPolicy, type VettedEndpoint, vetPushEndpoint } from './pushEndpointPolicy';
import { PushDeliveryError, type PushTransport } from './pushTransport';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * What a failed push becomes. The messages are generic on purpose: they end up in the ledger, which
 * the event's host reads, and connection-level detail ("connect ECONNREFUSED 10.0.0.7:6379", TLS
 * errors, timeouts) would make the notifier a probe of whatever an endpoint points at.
 */
function failureOf(status: number | undefined): PushDeliveryError {
  if (status === undefined) return new PushDeliveryError('the push service could not be reached', false, false);
  if (status === 404 || status === 410) return new PushDeliveryError('the push subscription is gone', true, true, status);
  // A push service answers 201 (RFC 8030 §5); a redirect is not followed: its target was never vetted.
  if (status >= 300 && status < 400) return new PushDeliveryError('the push service redirected; redirects are not followed', true, false, status);
  const permanent = status >= 400 && status < 500 && status !== 429 && status !== 408;
  return new PushDeliveryError(permanent ? 'the push service refused the message' : 'the push service is unavailable', permanent, false, status);
}

/** A lookup that answers the vetted address whatever it is asked: the connection goes where the check looked. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

/**
 * PushTransport with the `web-push` library: RFC 8291 aes128gcm payloads, RFC 8292 VAPID. The request
 * is built by web-push and sent with node:https to the address the endpoint policy vetted (checked
 * again at every send: a host's DNS may have changed since registration), with no redirects followed.
 * Plain http only to hosts the policy allows (a push service on loopback in tests and development).
 */
export function webPushTransport(vapid: VapidKeys & { subject: string }, options: { timeoutMs?: number; policy?: PushEndpointPolicy } = {}): PushTransport {
  const policy = options.policy ?? PUBLIC_PUSH_ENDPOINTS_ONLY;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  function post(target: VettedEndpoint, headers: Record<string, string>, body: Buffer | null): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const secure = target.url.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(target.url, {
        method: 'POST',
        headers,
        agent: secure ? agents.https : agents.http,
        timeout: timeoutMs,
        ...(target.address ? { lookup: pinnedLookup(target.address, target.family ?? 4) } : {}),
      });
      request.on('response', (response: IncomingMessage) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  }

  return {
    applicationServerKey: vapid.publicKey,
    async send(subscription, payload, push) {
      let target: VettedEndpoint;
      try {
        target = await vetPushEndpoint(subscription.endpoint, policy);
      } catch (error) {
        if (error instanceof PushEndpointRefused) throw new PushDeliveryError('the push endpoint is not allowed', true, false);
        throw error;
      }
      const details = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: vapid,
        TTL: push.ttlSeconds,
        urgency: push.urgency,
        contentEncoding: 'aes128gcm',
        ...(push.topic ? { topic: push.topic } : {}),
      });
      let status: number;
      try {
        status = await post(target, details.headers as Record<string, string>, details.body);
      } catch {
        throw failureOf(undefined);
      }
      if (status < 200 || status > 299) throw failureOf(status);
    },
  };
}
