import { type HotRoutes, jsonRoutes, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import type { Logger } from 'pino';
import { appPasswordRouteDocs, appPasswordRoutes } from './appPasswords/appPasswords.routes';
import { sessionOnlyRoutes } from './appPasswords/sessionOnlyRoutes';
import { calDavWriteRoutes } from './caldav/caldav.routes';
import { icalendarImportRouteDocs, icalendarImportRoutes } from './icalendarImport/icalendarImport.routes';
import { bookEventRoute, calendarEventRouteDocs, calendarEventRoutes } from './calendarEvents/calendarEvent.routes';
import type { BusyLookup } from './calendarEvents/bookingConflicts';
import { calendarEventService } from './calendarEvents/calendarEventService';
import { occurrenceRouteDocs, occurrenceRoutes } from './calendarEvents/occurrence.routes';
import { calendarRouteDocs, calendarRoutes } from './calendars/calendar.routes';
import { calendarService } from './calendars/calendarService';
import { sharedReads } from './commandHandling/sharedReads';
import { feedRouteDocs, feedRoutes } from './feeds/feed.routes';
import { commandSubscriptions, type SubscriptionPoller, subscriptionRouteDocs, type SubscriptionSettings } from './subscriptions/subscriptions';
import { calendarListRouteDocs, calendarListRoutes } from './users/calendarList.routes';
import { type DirectoryLookupLimit, memoryDirectoryLookupLimit } from './users/directoryLookupLimit';
import { memorySignInThrottle, type SignInThrottle } from './users/signInThrottle';
import { userRouteDocs, userRoutes } from './users/user.routes';
import { userDirectoryRouteDocs, userDirectoryRoutes } from './users/userDirectory.routes';
import { type RevocationListener, userAccounts } from './users/userAccounts';

export interface CommandApiDependencies {
  store: EventStore;
  tokens: TokenService;
  clock: () => Date;
  /** Where the hot routes (served ahead of Express) log the errors they answer 5xx. */
  logger: Logger;
  /** Busy time from the read model, for conflict warnings and rejectOnConflict. */
  busy: BusyLookup;
  /** Limits on password guessing; in this process's memory unless given (Redis in production). */
  throttle?: SignInThrottle;
  /** The rate of GET /users?email= lookups; in this process's memory unless given (Redis in production). */
  directoryLimit?: DirectoryLookupLimit;
  /** The revocation cache of `tokens` (`sessionRevocations`): told of each revocation so it applies here at once. */
  revocations?: RevocationListener;
  /** Behind the gateway: the client address is the last X-Forwarded-For entry. */
  trustForwardedFor?: boolean;
  /** Failures of work done after answering (a password-reset request). */
  onBackgroundError?: (error: unknown) => void;
  /** The read model (same database in production): where CalDAV writes look a UID up first. */
  readModel?: SqlExecutor;
  /** Where users reach Datebook (PUBLIC_URL): the base of secret addresses (feeds). */
  publicUrl?: string;
  /** Subscriptions to calendars by URL (needs `readModel`); none unless given. Their poller is returned for the caller to start. */
  subscriptions?: SubscriptionSettings;
}

/**
 * The write side's routes: sign-up, sign-in, and every command on calendar events. The hottest (booking)
 * is one of `jsonRoutes`, served ahead of Express: give both to `serviceApp`.
 */
export function commandApi(dependencies: CommandApiDependencies): { router: Router; jsonRoutes: HotRoutes; routeDocs: RouteDoc[]; subscriptionPoller?: SubscriptionPoller } {
  // Concurrent requests share their stream reads (one statement for the reads asked meanwhile; see sharedReads).
  const deps = { ...dependencies, store: sharedReads(dependencies.store) };
  // A new account password revokes sessions and app passwords alike: both caches here forget the user at once.
  const accounts = userAccounts(deps.store, { revocations: { forget: (userID) => { deps.revocations?.forget(userID); deps.tokens.appPasswords?.forget(userID); } } });
  const router = Router();
  // The account's keys are a session's to change, never an app password's (403 before any route runs).
  router.use(sessionOnlyRoutes(deps.tokens));
  // Bookings and their changes first: the hottest writes pass no other router's routes on their way.
  router.use('/events', requireUser(deps.tokens));
  const events = calendarEventService(deps.store, accounts);
  router.use(calendarEventRoutes({ events, busy: deps.busy, clock: deps.clock }));
  router.use(occurrenceRoutes({ events, clock: deps.clock }));
  router.use(userRoutes({
    accounts, tokens: deps.tokens, clock: deps.clock, throttle: deps.throttle ?? memorySignInThrottle(), trustForwardedFor: deps.trustForwardedFor ?? false,
    ...(deps.onBackgroundError ? { onBackgroundError: deps.onBackgroundError } : {}),
  }));
  router.use(userDirectoryRoutes({ store: deps.store, tokens: deps.tokens, clock: deps.clock, limit: deps.directoryLimit ?? memoryDirectoryLookupLimit() }));
  router.use(calendarListRoutes({ store: deps.store, tokens: deps.tokens, clock: deps.clock }));
  router.use(appPasswordRoutes({ store: deps.store, tokens: deps.tokens, clock: deps.clock }));
  // CalDAV's writes and .ics imports: calendar apps sign in with Basic, so these challenge for it (before /calendars' own sign-in).
  router.use(calDavWriteRoutes({ events, calendars: calendarService(deps.store), accounts, tokens: deps.tokens, readModel: deps.readModel, clock: deps.clock }));
  router.use(icalendarImportRoutes({ events, accounts, tokens: deps.tokens, readModel: deps.readModel, clock: deps.clock }));
  router.use('/calendars', requireUser(deps.tokens));
  router.use(feedRoutes({ calendars: calendarService(deps.store), clock: deps.clock, publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000' }));
  const subscribed = deps.subscriptions && commandSubscriptions({ store: deps.store, events, readModel: deps.readModel, clock: deps.clock, settings: deps.subscriptions });
  if (subscribed) router.use(subscribed.router);
  router.use(calendarRoutes({ calendars: calendarService(deps.store), clock: deps.clock, zoneOf: (userID) => events.zoneOf(userID) }));
  const hot = jsonRoutes([bookEventRoute({ events, busy: deps.busy, clock: deps.clock })], { tokens: deps.tokens, logger: deps.logger });
  return { router, jsonRoutes: hot, routeDocs: [...userRouteDocs, ...userDirectoryRouteDocs, ...calendarListRouteDocs, ...appPasswordRouteDocs, ...calendarEventRouteDocs, ...occurrenceRouteDocs, ...icalendarImportRouteDocs, ...calendarRouteDocs, ...feedRouteDocs, ...(subscribed ? subscriptionRouteDocs : [])], ...(subscribed ? { subscriptionPoller: subscribed.poller } : {}) };
}
