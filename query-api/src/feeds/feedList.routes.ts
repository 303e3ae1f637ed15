import { DomainError, rulesRoleOf } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { calendarReaderOf, type EventStore, readCalendar } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';

const CalendarIDParams = z.object({ calendarID: z.union([z.literal('primary'), z.uuid()]).describe("A calendar id (UUID), or `primary`: your own") });
const FeedList = z.object({
  items: z.array(z.object({ id: z.string(), createdAt: z.string(), createdBy: z.string().describe('Who made it: an address stops serving once its maker may no longer read the calendar') }))
    .describe('Live secret addresses, oldest first (their URLs are not kept, so never shown again)'),
});

export const feedListRouteDocs: RouteDoc[] = [
  {
    method: 'get', path: '/calendars/{calendarID}/feeds', operationId: 'listFeeds', summary: "A calendar's live secret addresses: ids and dates, never the URLs (owners)",
    responses: {
      200: { description: 'The feeds', schema: FeedList },
      403: { description: 'NOT_OWNER: you may see the calendar but only its owners manage its secret addresses' },
      404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' },
    },
  },
];

/**
 * GET /calendars/:calendarID/feeds, read from the store (as every calendar read: a revoked owner is refused at
 * once). Whoever cannot see the calendar learns nothing (404); whoever can but owns it not is refused (403).
 */
export function feedListRoutes(deps: { store: EventStore }): Router {
  const router = Router();
  router.get('/calendars/:calendarID/feeds', async (req, res) => {
    const { calendarID: asked } = parseInput(CalendarIDParams, req.params, 'params');
    const viewer = authenticatedUser(req);
    const calendarID = asked === 'primary' ? viewer : asked;
    const [{ state }, reader] = await Promise.all([readCalendar(deps.store, calendarID), calendarReaderOf(deps.store, viewer)]);
    const role = rulesRoleOf(state, reader);
    if (state.status === 'absent' || state.status === 'deleted' || role === 'none') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
    if (role !== 'owner') throw new DomainError('NOT_OWNER', 'only an owner of the calendar may read this');
    const items = Object.values(state.feeds)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(({ feedID, createdAt, createdBy }) => ({ id: feedID, createdAt, createdBy }));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ items });
  });
  return router;
}
