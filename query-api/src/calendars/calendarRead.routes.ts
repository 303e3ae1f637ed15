import { accessRoleOf, calendarStreamName, rulesRoleOf, type CalendarDetails, DomainError, type EffectiveRole } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { calendarReaderOf, type EventStore, type LoadedCalendar, readCalendar } from '@datebook/shared-kernel/ports';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { AclList, aclList, CalendarHistory, CalendarResource, calendarResource, historyItems } from './calendarResources';

const CalendarIDParams = z.object({
  calendarID: z.union([z.literal('primary'), z.uuid()]).describe("A calendar id (UUID), or `primary`: the caller's own"),
});

const notFound = { 404: { description: 'CALENDAR_NOT_FOUND: no such calendar, a deleted one, or not one you may see' } };
const notOwner = { 403: { description: 'NOT_OWNER: you may see the calendar but only its owners may read this' } };

export const calendarReadRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/calendars/{calendarID}', operationId: 'getCalendar', summary: 'A calendar and your role on it (anyone with at least free/busy access)', responses: { 200: { description: 'The calendar', schema: CalendarResource }, ...notFound } },
  { method: 'get', path: '/calendars/{calendarID}/acl', operationId: 'listSharing', summary: "A calendar's sharing rules, as Google's acl.list (owners)", responses: { 200: { description: 'The rules, strongest role first', schema: AclList }, ...notOwner, ...notFound } },
  { method: 'get', path: '/calendars/{calendarID}/history', operationId: 'getCalendarHistory', summary: "A calendar's audit history: every change, who made it and when, oldest first (owners)", responses: { 200: { description: 'History', schema: CalendarHistory }, ...notOwner, ...notFound } },
];

interface SeenCalendar {
  calendarID: string;
  calendar: CalendarDetails;
  version: LoadedCalendar['version'];
  role: Exclude<EffectiveRole, 'none'>;
  /** The role its rules give, before a subscription caps everyone at reader (see accessRoleOf). */
  rulesRole: EffectiveRole;
}

/**
 * The calendar as the caller may see it, read from the event store on every request (never a projection,
 * never a cache): a revoked rule stops applying to the very next read. Whoever has no role on it (or it is
 * absent or deleted) learns nothing of it, not even that it exists: 404, never 403.
 */
async function seenCalendar(store: EventStore, req: Request): Promise<SeenCalendar> {
  const { calendarID: asked } = parseInput(CalendarIDParams, req.params, 'params');
  const viewer = authenticatedUser(req);
  const calendarID = asked === 'primary' ? viewer : asked;
  const [reader, { state, version }] = await Promise.all([calendarReaderOf(store, viewer), readCalendar(store, calendarID)]);
  const role = accessRoleOf(state, reader);
  if (role === 'none' || state.status === 'absent' || state.status === 'deleted') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
  return { calendarID, calendar: state, version, role, rulesRole: rulesRoleOf(state, reader) };
}

async function ownedCalendar(store: EventStore, req: Request): Promise<SeenCalendar> {
  const seen = await seenCalendar(store, req);
  // The rules' role: a subscription's owner reads it as a reader (nobody writes its events) yet owns its rules.
  if (seen.rulesRole !== 'owner') throw new DomainError('NOT_OWNER', 'only an owner of the calendar may read this');
  return seen;
}

// Who may see what changes with every rule, so no cache may keep an answer (RFC 9111 §5.2.2.4).
const uncached = (res: Response) => res.setHeader('Cache-Control', 'private, no-cache');

/** Reads of calendars, their sharing rules and their history (Google Calendar API v3's calendars.get and acl.list). */
export function calendarReadRoutes(deps: { store: EventStore }): Router {
  const router = Router();

  router.get('/calendars/:calendarID', async (req, res) => {
    const { calendar, role } = await seenCalendar(deps.store, req);
    uncached(res);
    res.json(calendarResource(calendar, role));
  });

  router.get('/calendars/:calendarID/acl', async (req, res) => {
    const { calendar } = await ownedCalendar(deps.store, req);
    uncached(res);
    res.json(aclList(calendar));
  });

  router.get('/calendars/:calendarID/history', async (req, res) => {
    const { calendarID, version } = await ownedCalendar(deps.store, req);
    // The facts up to the version that said the caller is an owner: a change after it (their own removal,
    // say) is not theirs to read. A primary calendar nobody wrote to has no facts yet.
    const { events } = version === null ? { events: [] } : await deps.store.readStream(calendarStreamName(calendarID));
    uncached(res);
    res.json({ calendarID, items: historyItems(events.filter((e) => version !== null && e.streamVersion <= version)) });
  });

  return router;
}
