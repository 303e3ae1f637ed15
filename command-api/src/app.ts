import { requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { calendarEventRouteDocs, calendarEventRoutes } from './calendarEvents/calendarEvent.routes';
import type { BusyLookup } from './calendarEvents/bookingConflicts';
import { calendarEventService } from './calendarEvents/calendarEventService';
import { occurrenceRouteDocs, occurrenceRoutes } from './calendarEvents/occurrence.routes';
import { userRouteDocs, userRoutes } from './users/user.routes';
import { userAccounts } from './users/userAccounts';

export interface CommandApiDependencies {
  store: EventStore;
  tokens: TokenService;
  clock: () => Date;
  /** Busy time from the read model, for conflict warnings and rejectOnConflict. */
  busy: BusyLookup;
}

/** The write side's routes: sign-up, sign-in, and every command on calendar events. */
export function commandApi(deps: CommandApiDependencies): { router: Router; routeDocs: RouteDoc[] } {
  const accounts = userAccounts(deps.store);
  const router = Router();
  router.use(userRoutes({ accounts, tokens: deps.tokens, clock: deps.clock }));
  router.use('/events', requireUser(deps.tokens));
  const events = calendarEventService(deps.store, accounts);
  router.use(calendarEventRoutes({ events, busy: deps.busy, clock: deps.clock }));
  router.use(occurrenceRoutes({ events, clock: deps.clock }));
  return { router, routeDocs: [...userRouteDocs, ...calendarEventRouteDocs, ...occurrenceRouteDocs] };
}
