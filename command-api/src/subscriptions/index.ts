// Subscriptions to calendars by URL ("add calendar from URL"): the config, the settings and the poller a composition root starts.
export { subscriptionConfig, subscriptionSettingsOf } from './subscriptionConfig';
export type { SubscriptionSettings, SubscriptionPoller } from './subscriptions';
export { allowedHostsOf } from './outboundAddresses';
