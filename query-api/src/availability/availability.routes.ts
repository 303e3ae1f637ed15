import { DomainError } from '@datebook/shared-kernel';
import { instantSchema, type JsonRoute, parseInput, type RouteDoc, userIDSchema } from '@datebook/shared-kernel/http';
import type { RolesReader } from '@datebook/shared-kernel/ports';
import { z } from 'zod';
import type { ReadModelQueries } from '../calendarViews/readModelQueries';
import { askedCalendars, calendarIDList, type CheckedCalendar, checkedCalendars, invitationSettingsOf, ItemErrors, itemKey, NOT_FOUND_ERRORS } from '../freeBusy/askedCalendars';

const MAX_ITEMS = 100;

// User ids travel in the body, not the URL, as the seed asks; PATCH because nothing is created.
const AvailabilityBody = z
  .strictObject({
    userID: userIDSchema.optional(),
    userIDs: z.array(userIDSchema).min(1).max(MAX_ITEMS).optional(),
    calendarIDs: calendarIDList(MAX_ITEMS).optional(),
    startTime: instantSchema,
    endTime: instantSchema,
  })
  .refine((b) => (b.userID === undefined) !== (b.userIDs === undefined && b.calendarIDs === undefined), { message: 'give either userID, or userIDs and/or calendarIDs', path: ['userID'] });

const Unknown = { errors: ItemErrors.optional() };
const AvailabilityResponse = z.union([
  z.object({ available: z.boolean(), ...Unknown }),
  z.object({
    users: z.array(z.object({ userID: z.string(), available: z.boolean(), ...Unknown })).describe('One per user asked about, in order (empty when only calendarIDs were given)'),
    calendars: z.array(z.object({ calendarID: z.string(), available: z.boolean(), ...Unknown })).optional().describe('One per calendar asked about, in order; only when calendarIDs were given'),
  }),
]);

export const availabilityRouteDocs: RouteDoc[] = [
  { method: 'patch', path: '/events/availability', operationId: 'checkAvailability', summary: 'Is a user (or are users and calendars) free from startTime to endTime? Reveals no event details. An item you may not see (below freeBusyReader), or that does not exist, is unknown: `available: false` with `errors: [{domain: "global", reason: "notFound"}]`', body: AvailabilityBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Availability', schema: AvailabilityResponse } } },
];

export function availabilityRoutes(deps: { queries: ReadModelQueries; roles: RolesReader }): JsonRoute[] {
  return [{
    method: 'PATCH',
    path: '/events/availability',
    async handle({ input, fresh, userID: requesterID }) {
      const body = parseInput(AvailabilityBody, input, 'body');
      const from = new Date(body.startTime);
      const to = new Date(body.endTime);
      if (to <= from) throw new DomainError('INVALID_TIME_RANGE', 'endTime must be after startTime', [{ path: 'endTime', message: 'must be after startTime' }]);
      const asked = askedCalendars(body.userID !== undefined ? { userIDs: [body.userID] } : body, requesterID);
      // The views are read for everyone asked beside the rights' stamps (one Redis round trip); only items the rights show are answered.
      const ahead = deps.queries.whoIsBusyAhead(asked.map((item) => item.calendarID), from, to, fresh);
      const items = await checkedCalendars(deps.roles, requesterID, asked);
      const busy = await deps.queries.whoIsBusy(items.filter((item) => item.visible).map((item) => item.calendarID), from, to, fresh, invitationSettingsOf(items), ahead);
      // Unknown is not free: an item whose busy time the caller may not see answers unavailable, and says why.
      const availability = (item: CheckedCalendar) => (item.visible ? { available: busy.get(item.calendarID) !== true } : { available: false, errors: NOT_FOUND_ERRORS });
      const [only] = items;
      if (body.userID !== undefined && only) return { body: availability(only) };
      return {
        body: {
          users: items.filter((item) => item.list === 'userIDs').map((item) => ({ ...itemKey(item), ...availability(item) })),
          ...(body.calendarIDs ? { calendars: items.filter((item) => item.list === 'calendarIDs').map((item) => ({ ...itemKey(item), ...availability(item) })) } : {}),
        },
      };
    },
  }];
}
