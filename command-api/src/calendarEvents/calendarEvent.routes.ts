import { createHash, randomUUID } from 'node:crypto';
import { DomainError, encodeConsistencyToken, parseCalendarEventEvent, streamName } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type CommandResult, handleCommand } from '../commandHandling/handleCommand';
import type { UserAccounts } from '../users/userAccounts';
import { type CalendarEventState, evolve, initialState } from './calendarEvent';
import { type CalendarEventCommand, decide } from './calendarEvent.decide';
import { ChangeEventBody, EventIDParams, InviteBody, RespondBody, ScheduleEventBody, WriteResponse } from './calendarEvent.requests';

const calendarEventDecider = { decide, evolve, initialState, parse: parseCalendarEventEvent };

const writeHeaders = { 'Idempotency-Key': 'Makes a retried create return the first result' };
export const calendarEventRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/events', summary: 'Book an event (the host is an accepted attendee; invitees start PENDING)', body: ScheduleEventBody, headers: writeHeaders, responses: { 201: { description: 'Booked', schema: WriteResponse } } },
  { method: 'put', path: '/events/{eventID}', summary: 'Change an event (host only); listed fields are replaced', body: ChangeEventBody, headers: { 'If-Match': 'The version you last saw; 412 when it moved on' }, responses: { 200: { description: 'Changed', schema: WriteResponse } } },
  { method: 'delete', path: '/events/{eventID}', summary: 'Cancel an event (host only)', responses: { 204: { description: 'Cancelled' } } },
  { method: 'post', path: '/events/{eventID}/invitations', summary: 'Invite more people (host only)', body: InviteBody, responses: { 201: { description: 'Invited', schema: WriteResponse.extend({ invitedUserIDs: z.array(z.string()) }) } } },
  { method: 'patch', path: '/events/{eventID}/invitations', summary: 'Answer an invitation', body: RespondBody, responses: { 200: { description: 'Answered', schema: WriteResponse.extend({ rsvpStatus: z.string() }) } } },
];

// A stable namespace so an Idempotency-Key always maps to the same eventID for the same host.
function eventIDForIdempotencyKey(hostID: string, key: string): string {
  const hash = createHash('sha256').update(`${hostID}\u0000${key}`).digest('hex');
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

function parseIfMatch(req: Request): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match?.[1]) throw new DomainError('VALIDATION_FAILED', 'If-Match must be a version as given in ETag', [{ path: 'If-Match', message: 'expected "<version>"' }]);
  return Number(match[1]);
}

export function calendarEventRoutes(deps: { store: EventStore; accounts: UserAccounts; clock: () => Date }): Router {
  const router = Router();

  const run = (eventID: string, command: CalendarEventCommand, req: Request, expectedVersion?: number) =>
    handleCommand(deps.store, streamName('CalendarEvent', eventID), calendarEventDecider, command, {
      actorID: authenticatedUser(req),
      now: deps.clock(),
      correlationId: req.correlationId,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });

  const reply = (res: Response, eventID: string, result: CommandResult<unknown, CalendarEventState>) => {
    const consistencyToken = encodeConsistencyToken({ streamName: streamName('CalendarEvent', eventID), version: result.version ?? 0 });
    res.setHeader('ETag', `"${result.version ?? 0}"`);
    res.setHeader('X-Consistency-Token', consistencyToken);
    return { eventID, version: result.version ?? 0, consistencyToken };
  };

  const requireKnownUsers = async (userIDs: string[] | undefined, path: string) => {
    const unknown = await deps.accounts.unknownUsers(userIDs ?? []);
    if (unknown.length > 0) {
      const fields = unknown.map((id) => ({ path: `${path}.${(userIDs ?? []).indexOf(id)}`, message: `no user ${id}` }));
      throw new DomainError('UNKNOWN_USERS', 'some invited users do not exist', fields);
    }
  };

  router.post('/events', async (req, res) => {
    const hostID = authenticatedUser(req);
    const body = parseInput(ScheduleEventBody, req.body, 'body');
    const idempotencyKey = req.headers['idempotency-key'];
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    }
    const eventID = body.eventID ?? (idempotencyKey ? eventIDForIdempotencyKey(hostID, idempotencyKey) : randomUUID());
    await requireKnownUsers(body.invitedUserIDs, 'invitedUserIDs');
    const host = await deps.accounts.readUser(hostID);
    const timeZone = body.timeZone ?? (host.status === 'registered' ? host.timeZone : 'UTC');
    const result = await run(eventID, {
      type: 'ScheduleEvent',
      data: {
        eventID, hostID, title: body.title, description: body.description ?? null, location: body.location ?? null,
        startTime: body.startTime, endTime: body.endTime, timeZone, invitedUserIDs: body.invitedUserIDs ?? [],
        ...(body.reminders ? { reminders: body.reminders } : {}),
      },
    }, req);
    res.status(201).location(`/events/${eventID}`).json(reply(res, eventID, result));
  });

  router.put('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const expectedVersion = parseIfMatch(req);
    const changes = parseInput(ChangeEventBody, req.body, 'body');
    await requireKnownUsers(changes.invitedUserIDs, 'invitedUserIDs');
    const result = await run(eventID, { type: 'ChangeEvent', data: { eventID, actorID: authenticatedUser(req), changes } }, req, expectedVersion);
    res.json(reply(res, eventID, result));
  });

  router.delete('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const result = await run(eventID, { type: 'CancelEvent', data: { eventID, actorID: authenticatedUser(req) } }, req, parseIfMatch(req));
    reply(res, eventID, result);
    res.status(204).end();
  });

  router.post('/events/:eventID/invitations', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const { userIDs } = parseInput(InviteBody, req.body, 'body');
    await requireKnownUsers(userIDs, 'userIDs');
    const result = await run(eventID, { type: 'InviteAttendees', data: { eventID, actorID: authenticatedUser(req), userIDs } }, req);
    const invitedUserIDs = result.events.flatMap((e) => (e.type === 'AttendeeInvited' ? [e.data.userID] : []));
    res.status(201).json({ ...reply(res, eventID, result), invitedUserIDs });
  });

  router.patch('/events/:eventID/invitations', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const { response, reminders } = parseInput(RespondBody, req.body, 'body');
    const userID = authenticatedUser(req);
    const answer = { eventID, userID, ...(response ? { response } : {}), ...(reminders ? { reminders } : {}) };
    const result = await run(eventID, { type: 'RespondToInvitation', data: answer }, req);
    const rsvpStatus = result.state.status === 'absent' ? undefined : result.state.attendees[userID];
    res.json({ ...reply(res, eventID, result), rsvpStatus });
  });

  return router;
}
