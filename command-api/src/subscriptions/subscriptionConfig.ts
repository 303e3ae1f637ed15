import { z } from 'zod';
import { allowedHostsOf } from './outboundAddresses';
import type { SubscriptionSettings } from './subscriptions';

/** Settings of subscriptions to calendars by URL, the same in the command API's main and the embedded default. */
export const subscriptionConfig = {
  SUBSCRIPTION_ALLOWED_HOSTS: z.string().default('')
    .describe('Comma-separated host names or IP addresses that subscriptions may fetch from though they resolve to private, loopback, link-local or other non-public addresses (refused otherwise)'),
  SUBSCRIPTION_POLL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15).describe('How often each subscribed calendar’s source is fetched'),
};

type SubscriptionConfig = { [K in keyof typeof subscriptionConfig]: z.infer<(typeof subscriptionConfig)[K]> };

/** What the config says of subscriptions, for `commandApi`'s `subscriptions` (the process adds its logger). */
export function subscriptionSettingsOf(config: SubscriptionConfig): Omit<SubscriptionSettings, 'logger'> {
  return { allowedHosts: allowedHostsOf(config.SUBSCRIPTION_ALLOWED_HOSTS), poller: { intervalMs: config.SUBSCRIPTION_POLL_MINUTES * 60_000 } };
}
