import { type CalendarEventDetails, DomainError, type EventTiming, isOccurrenceOf, type OccurrenceValues, splitRecurrence } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { type Request, Router } from 'express';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import type { CommandContext } from '../commandHandling/handleCommand';
import { ChangeOccurrenceBody, OccurrenceParams, WriteResponse } from './calendarEvent.requests';
import { type CalendarEventService, originalStartOf, validateRecurrence, writeReply } from './calendarEventService';
import { hasTiming, resolveTiming } from './eventTiming';

const SplitResponse = WriteResponse.extend({
  previousSeries: WriteResponse,
  movedExceptions: z.array(z.string()).describe('Exceptions after the split now on the new series'),
  droppedExceptions: z.array(z.string()).describe('Exceptions after the split that match no occurrence of the new series'),
});

const written = ['ETag', 'X-Consistency-Token'] as const;
const occurrenceErrors: RouteDoc['responses'] = {
  403: { description: 'NOT_HOST: only the host may do this' },
  404: { description: 'EVENT_NOT_FOUND: no such event, or the series has no occurrence at originalStartTime' },
  409: { description: 'EVENT_CANCELLED: the event or that occurrence was cancelled; or CONCURRENCY_CONFLICT' },
};
export const occurrenceRouteDocs: RouteDoc[] = [
  { method: 'put', path: '/events/{eventID}/occurrences/{originalStartTime}', operationId: 'changeOccurrence', summary: 'Change one occurrence (scope "this") or this and all following (scope "following": the series is split)', body: ChangeOccurrenceBody, responses: { 200: { description: 'The occurrence changed', schema: WriteResponse, headers: written }, 201: { description: 'The series was split; eventID is the new series', schema: SplitResponse, headers: [...written, 'Location'] }, ...occurrenceErrors } },
  { method: 'delete', path: '/events/{eventID}/occurrences/{originalStartTime}', operationId: 'cancelOccurrence', summary: 'Cancel one occurrence of a series (host only)', responses: { 204: { description: 'Cancelled', headers: written }, ...occurrenceErrors } },
];

const SPLIT_NAMESPACE = 'a4c1f1e2-5b7d-4c3e-9f0a-6d2b8e4c1a57';

/**
 * The continuation of a split series has an id derived from the split, so a retried split is a no-op;
 * it is derived from a value clients never see (the id of the series' first stored event), so nobody
 * can predict it and claim it first (RFC 9562 §5.5, name-based v5).
 */
function continuationID(seriesSecret: string, originalStart: string): string {
  return uuidv5(`split/${seriesSecret}/${originalStart}`, SPLIT_NAMESPACE);
}

export function occurrenceRoutes(deps: { events: CalendarEventService; clock: () => Date }): Router {
  const router = Router();
  const { events } = deps;
  const context = (req: Request): CommandContext => ({ actorID: authenticatedUser(req), now: deps.clock(), correlationId: req.correlationId });

  async function loadSeries(eventID: string, rawStart: string, actorID: string) {
    const state = await events.load(eventID);
    if (state.status === 'absent' || (state.hostID !== actorID && !(actorID in state.attendees))) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    return { state, originalStart: originalStartOf(rawStart, state.allDay) };
  }

  router.put('/events/:eventID/occurrences/:originalStartTime', async (req, res) => {
    const params = parseInput(OccurrenceParams, req.params, 'params');
    const body = parseInput(ChangeOccurrenceBody, req.body, 'body');
    const actorID = authenticatedUser(req);
    const { state, originalStart } = await loadSeries(params.eventID, params.originalStartTime, actorID);
    const occurrenceTiming: EventTiming = occurrenceTimingOf(state, originalStart);
    const timing = hasTiming(body) ? resolveTiming(body, occurrenceTiming, state.timeZone) : occurrenceTiming;

    if (body.scope === 'this') {
      const changes: Partial<OccurrenceValues> = {
        startTime: timing.startTime, endTime: timing.endTime, startDate: timing.startDate, endDate: timing.endDate,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.location !== undefined ? { location: body.location } : {}),
      };
      const result = await events.run(params.eventID, { type: 'ChangeOccurrence', data: { eventID: params.eventID, actorID, originalStart, changes } }, context(req));
      return res.json(writeReply(res, params.eventID, result));
    }

    // "This and following": a new series carries on from here; the original ends just before.
    if (state.status !== 'scheduled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
    if (state.hostID !== actorID) throw new DomainError('NOT_HOST', 'only the host can change this event');
    const nextID = continuationID(await events.seriesSecret(state.eventID), originalStart);
    const continuation = await events.current(nextID);
    if (continuation.state.status !== 'absent') {
      if (continuation.state.hostID !== state.hostID) throw new DomainError('EVENT_ID_TAKEN', 'the id of the new series is taken');
      // A retried split: the new series exists. End the original again (a no-op when the first try did):
      // a first try that failed between the two appends must not leave the original running on.
      const splitAt = Date.parse(state.allDay ? `${originalStart}T00:00:00Z` : originalStart);
      const ended = await events.run(state.eventID, {
        type: 'EndSeriesAt', data: { eventID: state.eventID, actorID, originalStart, recurrence: splitRecurrence(state, splitAt).before, newEventID: nextID },
      }, context(req));
      const previousSeries = writeReply(res, state.eventID, ended);
      return res.status(201).location(`/events/${continuation.state.eventID}`).json({
        ...writeReply(res, continuation.state.eventID, continuation), previousSeries,
        movedExceptions: Object.keys(continuation.state.exceptions), droppedExceptions: [],
      });
    }
    if (!isOccurrenceOf(state, originalStart)) throw new DomainError('EVENT_NOT_FOUND', 'the series has no occurrence at that original start', [{ path: 'originalStartTime', message: 'no such occurrence' }]);
    const splitStart = Date.parse(state.allDay ? `${originalStart}T00:00:00Z` : originalStart);
    const { before, after } = splitRecurrence(state, splitStart);
    const recurrence = body.recurrence ?? after;
    validateRecurrence(recurrence, timing, true);
    const next: CalendarEventDetails = {
      ...state, ...timing, recurrence, eventID: nextID, exceptions: {},
      title: body.title ?? state.title, description: body.description === undefined ? state.description : body.description,
      location: body.location === undefined ? state.location : body.location,
    };
    const moved: { originalStart: string; values: OccurrenceValues | null }[] = [];
    const dropped: string[] = [];
    for (const [key, exception] of Object.entries(state.exceptions)) {
      if (Date.parse(state.allDay ? `${key}T00:00:00Z` : key) <= splitStart) continue;
      if (isOccurrenceOf(next, key)) {
        const { cancelled, ...values } = exception as { cancelled: boolean } & Partial<OccurrenceValues>;
        moved.push({ originalStart: key, values: cancelled ? null : (values as OccurrenceValues) });
      } else {
        dropped.push(key);
      }
    }
    const invited = Object.keys(state.attendees).filter((id) => id !== state.hostID);
    const continued = await events.run(next.eventID, {
      type: 'ScheduleEvent',
      data: {
        eventID: next.eventID, hostID: state.hostID, title: next.title, description: next.description, location: next.location, timing, recurrence,
        invitedUserIDs: invited, carriedOver: { answers: state.attendees, exceptions: moved }, guestsCanSeeOtherGuests: state.guestsCanSeeOtherGuests,
        ...(state.reminders[state.hostID] ? { reminders: state.reminders[state.hostID] } : {}),
      },
    }, context(req));
    const ended = await events.run(state.eventID, {
      type: 'EndSeriesAt', data: { eventID: state.eventID, actorID, originalStart, recurrence: before, newEventID: next.eventID },
    }, context(req));
    const previousSeries = writeReply(res, state.eventID, ended);
    res.status(201).location(`/events/${next.eventID}`).json({
      ...writeReply(res, next.eventID, continued), previousSeries, movedExceptions: moved.map((m) => m.originalStart), droppedExceptions: dropped,
    });
  });

  router.delete('/events/:eventID/occurrences/:originalStartTime', async (req, res) => {
    const params = parseInput(OccurrenceParams, req.params, 'params');
    const actorID = authenticatedUser(req);
    const { originalStart } = await loadSeries(params.eventID, params.originalStartTime, actorID);
    const result = await events.run(params.eventID, { type: 'CancelOccurrence', data: { eventID: params.eventID, actorID, originalStart } }, context(req));
    writeReply(res, params.eventID, result);
    res.status(204).end();
  });

  return router;
}

function occurrenceTimingOf(event: CalendarEventDetails, originalStart: string): EventTiming {
  const exception = event.exceptions[originalStart];
  const duration = Date.parse(event.endTime) - Date.parse(event.startTime);
  if (exception && !exception.cancelled) {
    return { startTime: exception.startTime, endTime: exception.endTime, timeZone: event.timeZone, allDay: event.allDay, startDate: exception.startDate, endDate: exception.endDate };
  }
  const start = Date.parse(event.allDay ? `${originalStart}T00:00:00Z` : originalStart);
  const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    startTime: new Date(start).toISOString(), endTime: new Date(start + duration).toISOString(), timeZone: event.timeZone, allDay: event.allDay,
    startDate: event.allDay ? dateOf(start) : null, endDate: event.allDay ? dateOf(start + duration) : null,
  };
}
