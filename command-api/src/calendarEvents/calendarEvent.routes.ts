import { randomUUID } from 'node:crypto';
import { type CalendarEventState, DomainError, validateRecurrence } from '@datebook/shared-kernel';
import { authenticatedUser, type JsonRoute, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { type Request, Router } from 'express';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import type { CommandContext, LoadedStream } from '../commandHandling/handleCommand';
import { ChangeEventBody, EventIDParams, InviteBody, MoveBody, RespondBody, ScheduleEventBody, WriteResponse } from './calendarEvent.requests';
import { type BusyLookup, findConflicts, reserveWithoutConflicts } from './bookingConflicts';
import { type CalendarEventService, originalStartOf, unmatchedExceptions, writeReply, writtenReply } from './calendarEventService';
import { hasTiming, resolveTiming } from './eventTiming';

const writeHeaders = { 'Idempotency-Key': 'Makes a retried create return the first result' };
const ifMatch = { 'If-Match': 'The version you last saw (its ETag); 412 when it moved on' };
/** Every write answers with the new version (ETag) and a token to read it with. */
const written = ['ETag', 'X-Consistency-Token'] as const;
const notFound = { 404: { description: 'EVENT_NOT_FOUND: no such event, or not one of yours' } };
const notHost = { 403: { description: 'NOT_HOST: only the host may do this' } };
const busy = { 409: { description: 'EVENT_CANCELLED, or CONCURRENCY_CONFLICT: others are changing it; try again' } };
const unknownUsers = { 422: { description: 'UNKNOWN_USERS: `errors` names each invited user that does not exist' } };
export const calendarEventRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/events', operationId: 'bookEvent', summary: 'Book an event, single or recurring, timed or all-day (the host is an accepted attendee; invitees start PENDING)', body: ScheduleEventBody, headers: writeHeaders, responses: { 201: { description: 'Booked; conflicts lists who is busy then (warnings: calendars allow double booking)', schema: WriteResponse.extend({ conflicts: z.array(z.object({ userID: z.string(), from: z.string(), to: z.string() })) }), headers: [...written, 'Location'] }, 409: { description: 'SCHEDULE_CONFLICT: rejectOnConflict and someone is busy, nothing booked, `conflicts` lists who and when; or EVENT_ID_TAKEN' }, ...unknownUsers } },
  { method: 'put', path: '/events/{eventID}', operationId: 'changeEvent', summary: 'Change an event or a whole series (host only); listed fields are replaced', body: ChangeEventBody, headers: ifMatch, responses: { 200: { description: 'Changed; exceptions that no longer match an occurrence are listed', schema: WriteResponse.extend({ unmatchedExceptions: z.array(z.string()) }), headers: written }, ...notHost, ...notFound, ...busy, ...unknownUsers } },
  { method: 'delete', path: '/events/{eventID}', operationId: 'cancelEvent', summary: 'Cancel an event or a whole series (host only)', headers: ifMatch, responses: { 204: { description: 'Cancelled', headers: written }, ...notHost, ...notFound, ...busy } },
  { method: 'post', path: '/events/{eventID}/invitations', operationId: 'inviteAttendees', summary: 'Invite more people by userID or address (writers of its calendar); inviting someone again changes nothing', body: InviteBody, responses: { 201: { description: 'Invited: who was new, as users (accounts, also those named by a confirmed address) and as addresses invited by e-mail', schema: WriteResponse.extend({ invitedUserIDs: z.array(z.string()), invitedEmails: z.array(z.string()) }), headers: written }, ...notHost, ...notFound, ...busy, ...unknownUsers } },
  { method: 'post', path: '/events/{eventID}/move', operationId: 'moveEvent', summary: "Move an event to another calendar the actor writes (Google's events.move); its attendees keep it", body: MoveBody, headers: ifMatch, responses: { 200: { description: 'Moved', schema: WriteResponse.extend({ calendarID: z.string() }), headers: written }, 403: { description: 'NOT_WRITER or NOT_HOST: you may see but not write the event or that calendar' }, 404: { description: 'EVENT_NOT_FOUND, or CALENDAR_NOT_FOUND naming calendarID' }, ...busy } },
  { method: 'patch', path: '/events/{eventID}/invitations', operationId: 'respondToInvitation', summary: 'Answer an invitation (the series, or one occurrence), and/or set your reminders', body: RespondBody, responses: { 200: { description: 'Answered', schema: WriteResponse.extend({ rsvpStatus: z.string() }), headers: written }, 403: { description: 'HOST_CANNOT_RESPOND: the host does not answer their own invitation' }, ...notFound, ...busy } },
];

/** A calendar event's stream before its first event. */
const NO_EVENT_YET: LoadedStream<CalendarEventState> = { state: { status: 'absent' }, version: null };

/** The namespace of eventIDs named by an Idempotency-Key (fixed: changing it would re-key every retry). */
const IDEMPOTENCY_NAMESPACE = '5d0b6c7e-2f4a-4e8b-9c1d-7a3e6f0b2c94';

/** A name-based UUID (RFC 9562 §5.5, version 5): the same host and key always name the same event. */
function eventIDForIdempotencyKey(hostID: string, key: string): string {
  return uuidv5(`${hostID}\u0000${key}`, IDEMPOTENCY_NAMESPACE);
}

export function parseIfMatch(req: Request): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match?.[1]) throw new DomainError('VALIDATION_FAILED', 'If-Match must be a version as given in ETag', [{ path: 'If-Match', message: 'expected "<version>"' }]);
  return Number(match[1]);
}

/**
 * POST /events, the hottest write, served ahead of Express (`jsonRoutes`: the same contract, without the
 * middleware chain, body-parser and router matching, which cost a fifth of a booking's CPU in this process).
 */
export function bookEventRoute(deps: { events: CalendarEventService; busy: BusyLookup; clock: () => Date }): JsonRoute {
  const { events } = deps;
  return {
    method: 'POST',
    path: '/events',
    async handle({ userID: hostID, input, headers, correlationId }) {
      const body = parseInput(ScheduleEventBody, input, 'body');
      const idempotencyKey = headers['idempotency-key'];
      if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
        throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
      }
      const named = body.eventID ?? (idempotencyKey ? eventIDForIdempotencyKey(hostID, idempotencyKey) : undefined);
      const eventID = named ?? randomUUID();
      // Independent reads run together: a booking's latency is its longest chain of round trips. The host's
      // account is read once for their zone, who they are to the calendar's rules and their own address.
      const host = events.account(hostID);
      const [hostZone, access, , addressed] = await Promise.all([
        events.zoneOf(hostID, host), events.accessTo(body.calendarID ?? 'primary', hostID, host), events.requireKnownUsers(body.invitedUserIDs, 'invitedUserIDs'),
        events.addressedAttendees(body.attendees, hostID, host),
      ]);
      // The host's own address names the host, who is on the event already.
      const invitedUserIDs = [...(body.invitedUserIDs ?? []), ...addressed.userIDs.filter((id) => id !== hostID)];
      const timing = resolveTiming(body, undefined, hostZone);
      const recurrence = body.recurrence ?? [];
      validateRecurrence(recurrence, timing, body.timeZone !== undefined);
      const blocksTime = (body.transparency ?? (timing.allDay ? 'transparent' : 'opaque')) === 'opaque';
      const candidate = { eventID, timing, recurrence, userIDs: [hostID, ...invitedUserIDs] };
      if (body.rejectOnConflict && blocksTime) await reserveWithoutConflicts(events.store, deps.busy, hostID, candidate, deps.clock());
      // The warnings read the views as they were before this booking, so they can be looked up meanwhile.
      const conflictsLookup = blocksTime ? findConflicts(deps.busy, candidate) : Promise.resolve([]);
      conflictsLookup.catch(() => undefined);
      const result = await events.run(eventID, {
        type: 'ScheduleEvent',
        data: {
          eventID, hostID, access, ...(body.visibility ? { visibility: body.visibility } : {}), title: body.title, description: body.description ?? null, location: body.location ?? null,
          timing, recurrence, invitedUserIDs, externalAttendees: addressed.externals, ...(body.reminders ? { reminders: body.reminders } : {}),
          ...(body.transparency ? { transparency: body.transparency } : {}),
          ...(body.guestsCanSeeOtherGuests !== undefined ? { guestsCanSeeOtherGuests: body.guestsCanSeeOtherGuests } : {}),
        },
        // An id made up just now names no stream: nothing to read. A named one (a retry, a client's id) is read.
      }, { actorID: hostID, now: deps.clock(), correlationId }, named === undefined ? NO_EVENT_YET : undefined);
      const conflicts = await conflictsLookup;
      const reply = writtenReply(eventID, result);
      return { status: 201, headers: { ...reply.headers, Location: `/events/${eventID}` }, body: { ...reply.body, conflicts } };
    },
  };
}

export function calendarEventRoutes(deps: { events: CalendarEventService; busy: BusyLookup; clock: () => Date }): Router {
  const router = Router();
  const { events } = deps;
  const context = (req: Request, expectedVersion?: number): CommandContext => ({
    actorID: authenticatedUser(req),
    now: deps.clock(),
    correlationId: req.correlationId,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });

  router.put('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const expectedVersion = parseIfMatch(req);
    const body = parseInput(ChangeEventBody, req.body, 'body');
    const { title, description, location, invitedUserIDs, attendees, reminders, recurrence, transparency, guestsCanSeeOtherGuests } = body;
    const loaded = await events.current(eventID);
    const current = loaded.state;
    const timing = hasTiming(body) && current.status !== 'absent' ? resolveTiming(body, current, current.timeZone) : undefined;
    if (current.status !== 'absent' && (timing !== undefined || recurrence !== undefined)) {
      validateRecurrence(recurrence ?? current.recurrence, timing ?? current, true);
    }
    const [, addressed] = await Promise.all([
      events.requireKnownUsers(invitedUserIDs, 'invitedUserIDs'),
      current.status === 'absent' ? undefined : events.addressedAttendees(attendees, current.hostID),
    ]);
    const changes = {
      ...(title !== undefined ? { title } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(location !== undefined ? { location } : {}),
      ...(invitedUserIDs !== undefined ? { invitedUserIDs } : {}),
      // `attendees` replaces the guests invited by e-mail, as invitedUserIDs replaces those with accounts.
      ...(attendees !== undefined && addressed ? { externalAttendees: addressed.externals, addressedUserIDs: addressed.userIDs } : {}),
      ...(reminders !== undefined ? { reminders } : {}),
      ...(recurrence !== undefined ? { recurrence } : {}),
      ...(timing !== undefined ? { timing } : {}),
      ...(transparency !== undefined ? { transparency } : {}),
      ...(guestsCanSeeOtherGuests !== undefined ? { guestsCanSeeOtherGuests } : {}),
      ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
    };
    const actorID = authenticatedUser(req);
    const access = await events.accessToEventOf(current, actorID);
    const result = await events.run(eventID, { type: 'ChangeEvent', data: { eventID, actorID, access, changes } }, context(req, expectedVersion), loaded);
    res.json({ ...writeReply(res, eventID, result), unmatchedExceptions: unmatchedExceptions(result.state) });
  });

  router.delete('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const expectedVersion = parseIfMatch(req);
    const actorID = authenticatedUser(req);
    const loaded = await events.current(eventID);
    const access = await events.accessToEventOf(loaded.state, actorID);
    const result = await events.run(eventID, { type: 'CancelEvent', data: { eventID, actorID, access } }, context(req, expectedVersion), loaded);
    writeReply(res, eventID, result);
    res.status(204).end();
  });

  router.post('/events/:eventID/invitations', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const { userIDs = [], attendees } = parseInput(InviteBody, req.body, 'body');
    const actorID = authenticatedUser(req);
    const readEvent = async () => {
      const loaded = await events.current(eventID);
      const hostID = loaded.state.status === 'absent' ? undefined : loaded.state.hostID;
      const [access, addressed] = await Promise.all([events.accessToEventOf(loaded.state, actorID), events.addressedAttendees(attendees, hostID)]);
      return { loaded, access, addressed };
    };
    const [{ loaded, access, addressed }] = await Promise.all([readEvent(), events.requireKnownUsers(userIDs, 'userIDs')]);
    const result = await events.run(eventID, {
      type: 'InviteAttendees', data: { eventID, actorID, access, userIDs: [...userIDs, ...addressed.userIDs], externalAttendees: addressed.externals },
    }, context(req), loaded);
    const invitedUserIDs = result.events.flatMap((e) => (e.type === 'AttendeeInvited' ? [e.data.userID] : []));
    const invitedEmails = result.events.flatMap((e) => (e.type === 'ExternalAttendeeInvited' ? [e.data.email] : []));
    res.status(201).json({ ...writeReply(res, eventID, result), invitedUserIDs, invitedEmails });
  });

  router.post('/events/:eventID/move', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const { calendarID } = parseInput(MoveBody, req.body, 'body');
    const actorID = authenticatedUser(req);
    // The actor's account is read once, for both calendars' rules.
    const actor = events.account(actorID);
    const readEvent = async () => {
      const loaded = await events.current(eventID);
      return { loaded, access: await events.accessToEventOf(loaded.state, actorID, actor) };
    };
    const [{ loaded, access }, destination] = await Promise.all([readEvent(), events.accessTo(calendarID, actorID, actor)]);
    const result = await events.run(eventID, { type: 'MoveEvent', data: { eventID, actorID, access, destination } }, context(req, parseIfMatch(req)), loaded);
    res.json({ ...writeReply(res, eventID, result), calendarID: destination.calendarID });
  });

  router.patch('/events/:eventID/invitations', async (req, res) => {
    const { eventID } = parseInput(EventIDParams, req.params, 'params');
    const { response, reminders, originalStartTime } = parseInput(RespondBody, req.body, 'body');
    const userID = authenticatedUser(req);
    let originalStart: string | undefined;
    let loaded: LoadedStream<CalendarEventState> | undefined;
    if (originalStartTime !== undefined) {
      loaded = await events.current(eventID);
      originalStart = originalStartOf(originalStartTime, loaded.state.status !== 'absent' && loaded.state.allDay);
    }
    const answer = { eventID, userID, ...(response ? { response } : {}), ...(reminders ? { reminders } : {}), ...(originalStart ? { originalStart } : {}) };
    const result = await events.run(eventID, { type: 'RespondToInvitation', data: answer }, context(req), loaded);
    const state = result.state.status === 'absent' ? undefined : result.state;
    const rsvpStatus = (originalStart && state?.occurrenceResponses[userID]?.[originalStart]) ?? state?.attendees[userID];
    res.json({ ...writeReply(res, eventID, result), rsvpStatus, ...(originalStart ? { originalStartTime: originalStart } : {}) });
  });

  return router;
}
