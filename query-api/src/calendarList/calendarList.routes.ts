import { CalendarListEntryResource } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { PersonalCalendarList } from './personalCalendarList';

/** Google's calendarList.list parameter; any other is refused, naming it. */
const CalendarListQuery = z.strictObject({
  showHidden: z.enum(['true', 'false']).optional().describe('Include the calendars you hid (DELETE /users/me/calendarList/{calendarID}); default false'),
});
const CalendarList = z.object({ items: z.array(CalendarListEntryResource) });

export const calendarListRouteDocs: RouteDoc[] = [
  {
    method: 'get', path: '/users/me/calendarList', operationId: 'listCalendarList',
    summary: 'Your calendar list: your primary calendar first, then every calendar you own or were given, each with your role as its rules say now and your own settings',
    query: CalendarListQuery,
    responses: { 200: { description: 'The list', schema: CalendarList } },
  },
];

/** GET /users/me/calendarList, read from the event store on every request: a revoked calendar is gone from the next one. */
export function calendarListRoutes(deps: { list: PersonalCalendarList }): Router {
  const router = Router();
  router.get('/users/me/calendarList', async (req, res) => {
    const { showHidden } = parseInput(CalendarListQuery, req.query, 'query');
    const items = await deps.list.entriesOf(authenticatedUser(req), { showHidden: showHidden === 'true' });
    // Who may see what changes with every rule, so no cache may keep an answer (RFC 9111 §5.2.2.4).
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ items });
  });
  return router;
}
