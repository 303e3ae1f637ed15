import { DomainError } from '@datebook/shared-kernel';
import { instantSchema, type JsonRoute, parseInput, type RouteDoc, userIDSchema } from '@datebook/shared-kernel/http';
import { z } from 'zod';
import type { ReadModelQueries } from '../calendarViews/readModelQueries';

// User ids travel in the body, not the URL, as the seed asks; PATCH because nothing is created.
const AvailabilityBody = z
  .strictObject({
    userID: userIDSchema.optional(),
    userIDs: z.array(userIDSchema).min(1).max(100).optional(),
    startTime: instantSchema,
    endTime: instantSchema,
  })
  .refine((b) => (b.userID === undefined) !== (b.userIDs === undefined), { message: 'give either userID or userIDs', path: ['userID'] });

const AvailabilityResponse = z.union([
  z.object({ available: z.boolean() }),
  z.object({ users: z.array(z.object({ userID: z.string(), available: z.boolean() })) }),
]);

export const availabilityRouteDocs: RouteDoc[] = [
  { method: 'patch', path: '/events/availability', operationId: 'checkAvailability', summary: 'Is a user (or are users) free from startTime to endTime? Reveals no event details', body: AvailabilityBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Availability', schema: AvailabilityResponse }, 422: { description: 'UNKNOWN_USERS: `errors` names each user that does not exist' } } },
];

export function availabilityRoutes(deps: { queries: ReadModelQueries }): JsonRoute[] {
  return [{
    method: 'PATCH',
    path: '/events/availability',
    async handle({ input, fresh }) {
      const body = parseInput(AvailabilityBody, input, 'body');
      const from = new Date(body.startTime);
      const to = new Date(body.endTime);
      if (to <= from) throw new DomainError('INVALID_TIME_RANGE', 'endTime must be after startTime', [{ path: 'endTime', message: 'must be after startTime' }]);
      const userIDs = body.userIDs ?? (body.userID ? [body.userID] : []);
      const known = await deps.queries.knownUsers(userIDs);
      const unknown = userIDs.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new DomainError('UNKNOWN_USERS', 'some users do not exist', unknown.map((id) => ({ path: body.userIDs ? `userIDs.${userIDs.indexOf(id)}` : 'userID', message: `no user ${id}` })));
      }
      const busy = await deps.queries.whoIsBusy(userIDs, from, to, fresh);
      const available = (userID: string) => busy.get(userID) !== true;
      if (body.userID !== undefined) return { body: { available: available(body.userID) } };
      return { body: { users: userIDs.map((userID) => ({ userID, available: available(userID) })) } };
    },
  }];
}
