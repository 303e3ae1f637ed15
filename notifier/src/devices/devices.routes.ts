import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';
import { devicesOfUser, registerDevice, removeDevice } from './deviceRegistry';
import { isAllowedHost, PUBLIC_PUSH_ENDPOINTS_ONLY, PushEndpointRefused, type PushEndpointPolicy, vetPushEndpoint } from './pushEndpointPolicy';

const base64url = (bytes: number, what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, { message: `${what} must be base64url`, abort: true }).refine((value) => Buffer.from(value, 'base64url').length === bytes, `${what} must be ${bytes} bytes`);

/**
 * A W3C PushSubscription as `toJSON()` gives it. Push services are HTTPS (RFC 8030 §8); plain http
 * only to a host the policy allows (a push service on loopback in tests and development).
 */
export function registerDeviceBody(policy: PushEndpointPolicy) {
  return z.object({
    endpoint: z
      .url()
      .max(2048)
      .refine((value) => {
        const url = new URL(value);
        return url.protocol === 'https:' || (url.protocol === 'http:' && isAllowedHost(url, policy));
      }, 'the push endpoint must be an https URL'),
    // RFC 8291 §2: an uncompressed P-256 point and a 16-byte authentication secret.
    keys: z.object({ p256dh: base64url(65, 'p256dh'), auth: base64url(16, 'auth') }),
    expirationTime: z.number().nullable().optional(),
  });
}

export const RegisterDeviceBody = registerDeviceBody(PUBLIC_PUSH_ENDPOINTS_ONLY);

const DeviceResponse = z.object({ deviceID: z.string(), endpoint: z.string(), createdAt: z.string() });
const DeviceIDParams = z.object({ deviceID: z.uuid() });

export const deviceRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/devices/push-key', operationId: 'getPushKey', summary: 'The VAPID public key (RFC 8292) to subscribe with: `applicationServerKey`', responses: { 200: { description: 'Key', schema: z.object({ applicationServerKey: z.string() }) } } },
  {
    method: 'post',
    path: '/devices',
    operationId: 'registerDevice',
    summary: 'Register this device for Web Push (a PushSubscription on a public https host); the same endpoint again from the same account updates it',
    body: RegisterDeviceBody,
    responses: {
      201: { description: 'Registered', schema: DeviceResponse, headers: ['Location'] },
      200: { description: 'Already registered; keys updated', schema: DeviceResponse, headers: ['Location'] },
      409: { description: 'DEVICE_TAKEN: another account registered this endpoint; subscribe anew in the browser' },
    },
  },
  { method: 'get', path: '/devices', operationId: 'listDevices', summary: "The caller's devices", responses: { 200: { description: 'Devices', schema: z.object({ devices: z.array(DeviceResponse) }) } } },
  { method: 'delete', path: '/devices/{deviceID}', operationId: 'removeDevice', summary: 'Stop pushing to a device', responses: { 204: { description: 'Removed' }, 404: { description: 'No such device of yours' } } },
];

export function deviceRoutes(deps: { db: SqlExecutor; clock: () => Date; applicationServerKey: () => string; pushPolicy?: PushEndpointPolicy }): Router {
  const router = Router();
  const policy = deps.pushPolicy ?? PUBLIC_PUSH_ENDPOINTS_ONLY;
  const Body = registerDeviceBody(policy);
  router.get('/devices/push-key', (_req, res) => {
    res.json({ applicationServerKey: deps.applicationServerKey() });
  });
  router.post('/devices', async (req, res) => {
    const userID = authenticatedUser(req);
    const body = parseInput(Body, req.body, 'body');
    try {
      await vetPushEndpoint(body.endpoint, policy);
    } catch (error) {
      if (error instanceof PushEndpointRefused) throw new DomainError('VALIDATION_FAILED', 'the request body is invalid', [{ path: 'endpoint', message: error.message }]);
      throw error;
    }
    const registered = await registerDevice(deps.db, userID, { endpoint: body.endpoint, keys: body.keys }, deps.clock());
    if (registered.outcome === 'taken') {
      throw new DomainError('DEVICE_TAKEN', 'another account registered this push endpoint; subscribe anew in this browser', [{ path: 'endpoint', message: 'registered by another account' }]);
    }
    const { device } = registered;
    res.status(registered.outcome === 'created' ? 201 : 200).location(`/devices/${device.deviceID}`).json({ deviceID: device.deviceID, endpoint: device.subscription.endpoint, createdAt: device.createdAt });
  });
  router.get('/devices', async (req, res) => {
    const devices = await devicesOfUser(deps.db, authenticatedUser(req));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ devices: devices.map((d) => ({ deviceID: d.deviceID, endpoint: d.subscription.endpoint, createdAt: d.createdAt })) });
  });
  router.delete('/devices/:deviceID', async (req, res) => {
    const { deviceID } = parseInput(DeviceIDParams, req.params, 'params');
    // Someone else's device answers as a missing one: ids are not a way to probe.
    if (!(await removeDevice(deps.db, authenticatedUser(req), deviceID))) throw new DomainError('EVENT_NOT_FOUND', 'no such device');
    res.status(204).end();
  });
  return router;
}
