import { randomBytes, randomUUID } from 'node:crypto';
import { FEED_SECRET_BYTES, feedToken, feedTokenHash, MAX_FEEDS_PER_CALENDAR } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { CommandContext } from '../commandHandling/handleCommand';
import type { CalendarService } from '../calendars/calendarService';
import { feedAddresses } from './feedAddress';

/**
 * Secret addresses of a calendar (Google's "secret address in iCal format"): calendar apps subscribe to the
 * URL without signing in and see the calendar as a reader would (private events as busy time, no
 * reminders). Owners only. The token is shown once, in the answer to POST; only its hash is kept. To
 * rotate an address, create a new one and delete the old one. The list (GET) is the query API's
 * (query-api/src/feeds/feedList.routes.ts).
 */
const CalendarIDParams = z.object({ calendarID: z.union([z.literal('primary'), z.uuid()]).describe("A calendar id (UUID), or `primary`: your own") });
const FeedParams = CalendarIDParams.extend({ feedID: z.uuid() });

const CreatedFeed = z.object({
  id: z.string().describe('The feed id: DELETE /calendars/{calendarID}/feeds/{id} revokes it'),
  url: z.string().describe('The secret address (shown only now): whoever has it reads the calendar'),
  webcalUrl: z.string().describe('The same address as webcal://, which calendar apps open as a subscription'),
  createdAt: z.string(),
});

const notFound = { 404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' } };
const notOwner = { 403: { description: 'NOT_OWNER: you may see the calendar but only its owners manage its secret addresses' } };
export const feedRouteDocs: RouteDoc[] = [
  {
    method: 'post', path: '/calendars/{calendarID}/feeds', operationId: 'createFeed',
    summary: `Make a secret address (iCalendar, no sign-in) of a calendar you own; at most ${MAX_FEEDS_PER_CALENDAR} live ones. Rotate: create a new one, then delete the old one`,
    responses: { 201: { description: 'Created; the URL is shown only now', schema: CreatedFeed, headers: ['Location'] }, ...notOwner, ...notFound, 409: { description: `TOO_MANY_FEEDS: ${MAX_FEEDS_PER_CALENDAR} live secret addresses already` } },
  },
  { method: 'delete', path: '/calendars/{calendarID}/feeds/{feedID}', operationId: 'revokeFeed', summary: 'Revoke a secret address (owners): it answers 404 from then on', responses: { 204: { description: 'Revoked (or there was no such live feed)' }, ...notOwner, ...notFound } },
];

export function feedRoutes(deps: { calendars: CalendarService; clock: () => Date; publicUrl: string }): Router {
  const router = Router();
  const { calendars } = deps;
  const context = (req: Request): CommandContext => ({ actorID: authenticatedUser(req), now: deps.clock(), correlationId: req.correlationId });
  const calendarIDOf = (req: Request, params: { calendarID: string }) => (params.calendarID === 'primary' ? authenticatedUser(req) : params.calendarID);
  // An answer that carries a secret is never stored by a cache (RFC 9111 §5.2.2.5).
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  router.post('/calendars/:calendarID/feeds', async (req, res) => {
    const calendarID = calendarIDOf(req, parseInput(CalendarIDParams, req.params, 'params'));
    const actor = await calendars.actor(authenticatedUser(req));
    const feedID = randomUUID();
    const token = feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES));
    const createdAt = deps.clock().toISOString();
    await calendars.run(calendarID, { type: 'CreateFeed', data: { actor, feedID, tokenHash: feedTokenHash(token), createdAt } }, context(req));
    noStore(res);
    res.status(201).location(`/calendars/${calendarID}/feeds/${feedID}`).json({ id: feedID, ...feedAddresses(deps.publicUrl, token), createdAt });
  });

  router.delete('/calendars/:calendarID/feeds/:feedID', async (req, res) => {
    const params = parseInput(FeedParams, req.params, 'params');
    const calendarID = calendarIDOf(req, params);
    const actor = await calendars.actor(authenticatedUser(req));
    await calendars.run(calendarID, { type: 'RevokeFeed', data: { actor, feedID: params.feedID } }, context(req));
    res.status(204).end();
  });

  return router;
}
