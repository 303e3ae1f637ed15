import {
  CALENDAR_COLOR,
  calendarListEntry,
  CalendarListEntryResource,
  calendarListSettingsOf,
  type CalendarListSettings,
  calendarReaderFromUser,
  DomainError,
  listedRole,
  userDecider,
  userStreamName,
} from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import { type EventStore, readCalendar } from '@datebook/shared-kernel/ports';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { handleCommand, loadStream } from '../commandHandling/handleCommand';

/** The person's own settings for the calendars of their list (Google Calendar API v3's calendarList.patch and .delete). */
const CalendarListParams = z.object({
  calendarID: z.union([z.literal('primary'), z.uuid()]).describe("A calendar id (UUID), or `primary`: your own"),
});
const CalendarListEntryPatch = z.strictObject({
  selected: z.boolean().optional().describe('Whether GET /events reads it (your primary always)'),
  hidden: z.boolean().optional().describe('Whether your list leaves it out (it is then not read either); your primary is never hidden'),
  color: z.string().regex(CALENDAR_COLOR, 'expected #rrggbb').nullable().optional().describe("'#rrggbb', or null for the client's choice"),
});

const notFound = { 404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one on your list' } };
const primaryKept = { 409: { description: 'PRIMARY_CALENDAR: your primary calendar is always on your list and always read (names the field)' } };
export const calendarListRouteDocs: RouteDoc[] = [
  {
    method: 'patch', path: '/users/me/calendarList/{calendarID}', operationId: 'changeCalendarListEntry',
    summary: 'Your own settings for a calendar of your list: selected, hidden, color. They change nothing of who may see it',
    body: CalendarListEntryPatch,
    responses: { 200: { description: 'The entry as your list now shows it', schema: CalendarListEntryResource }, ...notFound, ...primaryKept },
  },
  {
    method: 'delete', path: '/users/me/calendarList/{calendarID}', operationId: 'hideCalendarListEntry',
    summary: 'Hide a calendar from your list (and from GET /events); it revokes nothing. PATCH {"hidden": false} shows it again',
    responses: { 204: { description: 'Hidden' }, ...notFound, ...primaryKept },
  },
];

export function calendarListRoutes(deps: { store: EventStore; tokens: TokenService; clock: () => Date }): Router {
  const router = Router();
  router.use('/users/me/calendarList', requireUser(deps.tokens));

  /**
   * Reads the person (once: their User stream gives both who they are to calendar rules and their settings)
   * and the calendar's rules from the store, then runs the decision on that same read of the User stream.
   */
  async function change(req: Request, changes: Partial<CalendarListSettings>) {
    const userID = authenticatedUser(req);
    const { calendarID: asked } = parseInput(CalendarListParams, req.params, 'params');
    const calendarID = asked === 'primary' ? userID : asked;
    const [user, calendar] = await Promise.all([loadStream(deps.store, userStreamName(userID), userDecider), readCalendar(deps.store, calendarID)]);
    const role = listedRole(calendar.state, calendarReaderFromUser(user.state, userID));
    const result = await handleCommand(
      deps.store, userStreamName(userID), userDecider,
      { type: 'ChangeCalendarListEntry', data: { userID, calendarID, listedRole: role, changes } },
      { actorID: userID, now: deps.clock(), correlationId: req.correlationId },
      user,
    );
    // The decider refused a calendar off the list; this only narrows the types.
    if (role === 'none' || calendar.state.status === 'absent') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar in your list');
    return calendarListEntry(calendar.state, role, calendarListSettingsOf(result.state, calendarID), userID);
  }

  // Settings are read from the User stream itself wherever they apply: no consistency token is needed to see them.
  router.patch('/users/me/calendarList/:calendarID', async (req, res) => {
    const changes = parseInput(CalendarListEntryPatch, req.body, 'body');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(await change(req, changes));
  });

  router.delete('/users/me/calendarList/:calendarID', async (req, res) => {
    await change(req, { hidden: true });
    res.status(204).end();
  });

  return router;
}
