import { requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { calendarEventRouteDocs, calendarEventRoutes } from './calendarEvents/calendarEvent.routes';
import type { BusyLookup } from './calendarEvents/bookingConflicts';
import { calendarEventService } from './calendarEvents/calendarEventService';
import { occurrenceRouteDocs, occurrenceRoutes } from './calendarEvents/occurrence.routes';
import { calendarRouteDocs, calendarRoutes } from './calendars/calendar.routes';
import { calendarService } from './calendars/calendarService';
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
}

/** The write side's routes: sign-up, sign-in, and every command on calendar events. */
export function commandApi(deps: CommandApiDependencies): { router: Router; routeDocs: RouteDoc[] } {
  const accounts = userAccounts(deps.store, deps.revocations ? { revocations: deps.revocations } : {});
  const router = Router();
  router.use(userRoutes({
    accounts, tokens: deps.tokens, clock: deps.clock, throttle: deps.throttle ?? memorySignInThrottle(), trustForwardedFor: deps.trustForwardedFor ?? false,
    ...(deps.onBackgroundError ? { onBackgroundError: deps.onBackgroundError } : {}),
  }));
  router.use(userDirectoryRoutes({ store: deps.store, tokens: deps.tokens, clock: deps.clock, limit: deps.directoryLimit ?? memoryDirectoryLookupLimit() }));
  router.use(calendarListRoutes({ store: deps.store, tokens: deps.tokens, clock: deps.clock }));
  router.use('/events', requireUser(deps.tokens));
  const events = calendarEventService(deps.store, accounts);
  router.use(calendarEventRoutes({ events, busy: deps.busy, clock: deps.clock }));
  router.use(occurrenceRoutes({ events, clock: deps.clock }));
  router.use('/calendars', requireUser(deps.tokens));
  router.use(calendarRoutes({ calendars: calendarService(deps.store), clock: deps.clock, zoneOf: (userID) => events.zoneOf(userID) }));
  return { router, routeDocs: [...userRouteDocs, ...userDirectoryRouteDocs, ...calendarListRouteDocs, ...calendarEventRouteDocs, ...occurrenceRouteDocs, ...calendarRouteDocs] };
}
