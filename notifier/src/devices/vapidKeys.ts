import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import webpush from 'web-push';
import type { VapidKeys } from './webPushTransport';

/**
 * The application's VAPID key pair (RFC 8292), made on first start and kept in the notifier's database:
 * devices subscribe with its public half, so it must outlive restarts. Of two processes starting at
 * once, the first insert wins and both use it.
 */
export async function loadOrCreateVapidKeys(db: SqlExecutor): Promise<VapidKeys> {
  const read = async () => (await db.query<{ value: VapidKeys }>(`select value from notifier_settings where key = 'vapid'`)).rows[0]?.value;
  const existing = await read();
  if (existing) return existing;
  const fresh = webpush.generateVAPIDKeys();
  await db.query(`insert into notifier_settings (key, value) values ('vapid', $1::jsonb) on conflict (key) do nothing`, [JSON.stringify(fresh)]);
  const kept = await read();
  if (!kept) throw new Error('the VAPID keys could not be stored');
  return kept;
}
