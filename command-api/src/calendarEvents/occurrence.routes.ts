import { atLeast, viewAudience, DomainError, endSeriesAt, type EventTiming, occurrenceTimingOf, type OccurrenceValues, planSplit, requireSplittable } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { type Request, Router } from 'express';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import type { CommandContext } from '../commandHandling/handleCommand';
import { ChangeOccurrenceBody, OccurrenceParams, WriteResponse } from './calendarEvent.requests';
import { type CalendarEventService, originalStartOf, writeReply } from './calendarEventService';
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
    const loaded = await events.current(eventID);
    const { state } = loaded;
    const access = await events.accessToEventOf(state, actorID);
    // Who can neither see the calendar's events nor is on this one learns nothing of it.
    if (state.status === 'absent' || (!(actorID in viewAudience(state)) && !atLeast(access.role, 'reader'))) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    return { state, loaded, access, originalStart: originalStartOf(rawStart, state.allDay) };
  }

  router.put('/events/:eventID/occurrences/:originalStartTime', async (req, res) => {
    const params = parseInput(OccurrenceParams, req.params, 'params');
    const body = parseInput(ChangeOccurrenceBody, req.body, 'body');
    const actorID = authenticatedUser(req);
    const { state, loaded, access, originalStart } = await loadSeries(params.eventID, params.originalStartTime, actorID);
    const occurrenceTiming: EventTiming = occurrenceTimingOf(state, originalStart);
    const timing = hasTiming(body) ? resolveTiming(body, occurrenceTiming, state.timeZone) : occurrenceTiming;

    if (body.scope === 'this') {
      const changes: Partial<OccurrenceValues> = {
        startTime: timing.startTime, endTime: timing.endTime, startDate: timing.startDate, endDate: timing.endDate,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.location !== undefined ? { location: body.location } : {}),
      };
      const result = await events.run(params.eventID, { type: 'ChangeOccurrence', data: { eventID: params.eventID, actorID, access, originalStart, changes } }, context(req), loaded);
      return res.json(writeReply(res, params.eventID, result));
    }

    // "This and following": a new series carries on from here; the original ends just before.
    const series = requireSplittable(state, actorID, access);
    const nextID = continuationID(await events.seriesSecret(series.eventID), originalStart);
    const continuation = await events.current(nextID);
    if (continuation.state.status !== 'absent') {
      if (continuation.state.hostID !== series.hostID) throw new DomainError('EVENT_ID_TAKEN', 'the id of the new series is taken');
      // A retried split: the new series exists. End the original again (a no-op when the first try did).
      const ended = await events.run(series.eventID, { type: 'EndSeriesAt', data: endSeriesAt(series, originalStart, actorID, access, nextID) }, context(req), loaded);
      const previousSeries = writeReply(res, series.eventID, ended);
      return res.status(201).location(`/events/${continuation.state.eventID}`).json({
        ...writeReply(res, continuation.state.eventID, continuation), previousSeries,
        movedExceptions: Object.keys(continuation.state.exceptions), droppedExceptions: [],
      });
    }
    const plan = planSplit(series, originalStart, { timing, recurrence: body.recurrence, title: body.title, description: body.description, location: body.location }, nextID, actorID, access);
    const continued = await events.run(nextID, { type: 'ScheduleEvent', data: plan.continuation }, context(req), continuation);
    const ended = await events.run(series.eventID, { type: 'EndSeriesAt', data: plan.endOriginal }, context(req), loaded);
    const previousSeries = writeReply(res, series.eventID, ended);
    res.status(201).location(`/events/${nextID}`).json({
      ...writeReply(res, nextID, continued), previousSeries, movedExceptions: plan.movedExceptions, droppedExceptions: plan.droppedExceptions,
    });
  });

  router.delete('/events/:eventID/occurrences/:originalStartTime', async (req, res) => {
    const params = parseInput(OccurrenceParams, req.params, 'params');
    const actorID = authenticatedUser(req);
    const { loaded, access, originalStart } = await loadSeries(params.eventID, params.originalStartTime, actorID);
    const result = await events.run(params.eventID, { type: 'CancelOccurrence', data: { eventID: params.eventID, actorID, access, originalStart } }, context(req), loaded);
    writeReply(res, params.eventID, result);
    res.status(204).end();
  });

  return router;
}
