import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { PushSubscription } from './pushTransport';

export interface Device {
  deviceID: string;
  userID: string;
  subscription: PushSubscription;
  createdAt: string;
}

interface DeviceRow {
  device_id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Date | string;
}

const toDevice = (row: DeviceRow): Device => ({
  deviceID: row.device_id,
  userID: row.user_id,
  subscription: { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } },
  createdAt: new Date(row.created_at).toISOString(),
});

/**
 * Registers a device by its push endpoint. The endpoint names one browser profile: registering it
 * again from the same account (new keys after a re-subscribe) updates that row. An endpoint another
 * account registered stays theirs: `taken`, and nothing changes. Moving it would let anyone who
 * learns an endpoint redirect someone else's pushes, or stop them (RFC 8030 §8.2: the endpoint is a
 * capability, but it is not ours to hand over); a browser shared by two accounts subscribes anew.
 */
export async function registerDevice(
  db: SqlExecutor,
  userID: string,
  subscription: PushSubscription,
  now: Date,
): Promise<{ outcome: 'created' | 'updated'; device: Device } | { outcome: 'taken' }> {
  const { rows } = await db.query<DeviceRow & { created: boolean }>(
    `insert into notifier_devices (device_id, user_id, endpoint, p256dh, auth, created_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (endpoint) do update set p256dh = excluded.p256dh, auth = excluded.auth
       where notifier_devices.user_id = excluded.user_id
     returning device_id::text, user_id::text, endpoint, p256dh, auth, created_at, (device_id = $1) as created`,
    [randomUUID(), userID, subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, now.toISOString()],
  );
  const row = rows[0];
  if (!row) return { outcome: 'taken' };
  return { outcome: row.created ? 'created' : 'updated', device: toDevice(row) };
}

/** True when the user had that device. */
export async function removeDevice(db: SqlExecutor, userID: string, deviceID: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from notifier_devices where device_id = $1 and user_id = $2', [deviceID, userID]);
  return rowCount > 0;
}

/** A push service said the subscription is gone (RFC 8030 §7.3: 404/410): the device will never answer again. */
export async function forgetDevice(db: SqlExecutor, deviceID: string): Promise<void> {
  await db.query('delete from notifier_devices where device_id = $1', [deviceID]);
}

export async function devicesOfUser(db: SqlExecutor, userID: string): Promise<Device[]> {
  const { rows } = await db.query<DeviceRow>('select device_id::text, user_id::text, endpoint, p256dh, auth, created_at from notifier_devices where user_id = $1 order by created_at, device_id', [userID]);
  return rows.map(toDevice);
}

export async function devicesOfUsers(db: SqlExecutor, userIDs: string[]): Promise<Map<string, Device[]>> {
  const byUser = new Map<string, Device[]>();
  if (userIDs.length === 0) return byUser;
  const { rows } = await db.query<DeviceRow>('select device_id::text, user_id::text, endpoint, p256dh, auth, created_at from notifier_devices where user_id = any($1::uuid[]) order by created_at', [userIDs]);
  for (const row of rows) {
    const list = byUser.get(row.user_id) ?? [];
    list.push(toDevice(row));
    byUser.set(row.user_id, list);
  }
  return byUser;
}

export async function deviceByID(db: SqlExecutor, deviceID: string): Promise<Device | undefined> {
  const { rows } = await db.query<DeviceRow>('select device_id::text, user_id::text, endpoint, p256dh, auth, created_at from notifier_devices where device_id = $1', [deviceID]);
  const row = rows[0];
  return row ? toDevice(row) : undefined;
}
