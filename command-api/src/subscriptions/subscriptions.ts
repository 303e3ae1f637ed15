import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { calendarObjectLookup } from '../caldav/calendarObjectLookup';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';
import { type CalendarService, calendarService } from '../calendars/calendarService';
import { importCalendarObjects } from '../icalendarImport/importCalendarObjects';
import type { ResolvedAddress } from './outboundAddresses';
import { DEFAULT_SOURCE_FETCH_LIMITS, type SourceFetchLimits } from './sourceFetch';
import { MAX_SUBSCRIPTIONS_PER_PERSON, subscriptionRouteDocs, subscriptionRoutes } from './subscription.routes';
import { type SubscriptionPoller, subscriptionPoller, type SubscriptionPollerOptions } from './subscriptionPoller';
import { type ImportParsedCalendar, syncSubscription } from './subscriptionSync';

/** How a process runs subscriptions to calendars by URL (config: SUBSCRIPTION_ALLOWED_HOSTS, SUBSCRIPTION_POLL_MINUTES). */
export interface SubscriptionSettings {
  /** Hosts that may resolve to private, loopback or other non-public addresses (see outboundAddresses.ts). */
  allowedHosts: ReadonlySet<string>;
  /** Name resolution (the system's unless a test gives one). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  limits?: Partial<SourceFetchLimits>;
  poller?: Partial<SubscriptionPollerOptions>;
  /** Subscriptions a person may have (MAX_SUBSCRIPTIONS_PER_PERSON unless set). */
  maxPerPerson?: number;
  logger: Logger;
}

export { subscriptionRouteDocs };
export type { SubscriptionPoller };

/** The routes and the poller of subscriptions, wired together; the composition root starts and stops the poller. */
export function subscriptions(deps: {
  store: EventStore;
  calendars: CalendarService;
  /** The read model: which calendars are subscriptions, and the events each holds. */
  readModel: SqlExecutor;
  importParsed: ImportParsedCalendar;
  clock: () => Date;
  zoneOf(userID: string): Promise<string>;
  settings: SubscriptionSettings;
}): { router: Router; poller: SubscriptionPoller } {
  const { settings } = deps;
  const policy = { allowedHosts: settings.allowedHosts, ...(settings.resolve ? { resolve: settings.resolve } : {}) };
  const limits = { ...DEFAULT_SOURCE_FETCH_LIMITS, ...settings.limits };
  const syncDeps = { store: deps.store, readModel: deps.readModel, importParsed: deps.importParsed, policy, limits, clock: deps.clock };
  const poller = subscriptionPoller({
    store: deps.store,
    readModel: deps.readModel,
    sync: (calendarID, fetched) => syncSubscription(syncDeps, calendarID, fetched),
    clock: deps.clock,
    logger: settings.logger,
    ...(settings.poller ? { options: settings.poller } : {}),
  });
  const subscriptionsOf = async (ownerID: string) =>
    Number((await deps.readModel.query<{ n: string }>("select count(*)::text as n from rm_calendars where owner_id = $1 and subscription_url is not null and status <> 'deleted'", [ownerID])).rows[0]?.n ?? 0);
  const router = subscriptionRoutes({ calendars: deps.calendars, poller, policy, limits, clock: deps.clock, zoneOf: deps.zoneOf, subscriptionsOf, maxPerPerson: settings.maxPerPerson ?? MAX_SUBSCRIPTIONS_PER_PERSON, logger: settings.logger });
  return { router, poller };
}

/**
 * Subscriptions as `commandApi` runs them: events are imported by the import of .ics files (each by its UID, through
 * the calendar-event decider), acting as the subscription's source. Needs the read model.
 */
export function commandSubscriptions(deps: { store: EventStore; events: CalendarEventService; readModel: SqlExecutor | undefined; clock: () => Date; settings: SubscriptionSettings }) {
  const { readModel } = deps;
  if (!readModel) throw new Error('subscriptions need the read model (commandApi: readModel)');
  const lookup = calendarObjectLookup(deps.events, readModel);
  return subscriptions({
    store: deps.store,
    calendars: calendarService(deps.store),
    readModel,
    importParsed: (parsed, request) => importCalendarObjects({ events: deps.events, lookup }, parsed, { ...request, defaultReminders: [] }),
    clock: deps.clock,
    zoneOf: (userID) => deps.events.zoneOf(userID),
    settings: deps.settings,
  });
}
