import { calendarWindow, DomainError, todayIn } from '@datebook/shared-kernel';
import { authenticatedUser, dateSchema, eventIDSchema, instantSchema, type JsonRoute, parseInput, type RouteDoc, timeZoneSchema } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { ReadModelQueries } from './readModelQueries';

const MAX_WINDOW_DAYS = 366;

const CalendarQuery = z.object({
  view: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['DAILY', 'WEEKLY', 'MONTHLY'])).default('WEEKLY'),
  date: dateSchema.optional().describe("A day inside the wanted view; today in the zone when absent"),
  timeZone: timeZoneSchema.optional().describe("The zone days are counted in; the user's own zone when absent"),
  from: instantSchema.optional().describe('With `to`: an arbitrary window instead of a view'),
  to: instantSchema.optional(),
});

const CalendarEntry = z.object({
  eventID: z.string().describe('For an occurrence: <recurringEventID>_<original start>'),
  userID: z.string().describe('The host'), title: z.string(), startTime: z.string(), endTime: z.string(),
  timeZone: z.string(), location: z.string().nullable(), rsvpStatus: z.string(), allDay: z.boolean(),
  startDate: z.string().optional().describe('All-day items: the first day'), endDate: z.string().optional().describe('All-day items: the day after the last'),
  recurringEventID: z.string().optional().describe('Occurrences: the series'), originalStartTime: z.string().optional().describe('Occurrences: the start before any change'),
});
const CalendarResponse = z.object({
  from: z.string(), to: z.string(), timeZone: z.string(), events: z.array(CalendarEntry),
  truncated: z.boolean().describe('True when a series had more occurrences in the window than the cap (1000) and was cut'),
});
const EventResponse = z.object({
  eventID: z.string(), userID: z.string(), title: z.string(), description: z.string().nullable(), location: z.string().nullable(),
  startTime: z.string(), endTime: z.string(), timeZone: z.string(), allDay: z.boolean(), startDate: z.string().nullable(), endDate: z.string().nullable(),
  recurrence: z.array(z.string()), exceptions: z.record(z.string(), z.unknown()), status: z.enum(['confirmed', 'cancelled']), version: z.number(),
  guestsCanSeeOtherGuests: z.boolean().describe('When false, guests see only the host and themselves among the attendees'),
  attendees: z.array(z.object({ userID: z.string(), userName: z.string().nullable(), rsvpStatus: z.string() })),
});
const consistencyHeader = { 'X-Consistency-Token': 'Wait until the views include the write that returned this token' };

export const calendarViewRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/events', summary: "The user's calendar for a day, week (default) or month, or for [from, to)", query: CalendarQuery, headers: consistencyHeader, responses: { 200: { description: 'Events sorted by start', schema: CalendarResponse } } },
  { method: 'get', path: '/events/{eventID}', summary: 'One event with its attendees (host and attendees only)', headers: consistencyHeader, responses: { 200: { description: 'The event', schema: EventResponse } } },
];

/** GET /events: the user's calendar (the hottest read, so a JSON route served ahead of Express). */
export function calendarRoute(deps: { queries: ReadModelQueries; clock: () => Date }): JsonRoute {
  return {
    method: 'GET',
    path: '/events',
    async handle({ userID, input, fresh }) {
      const query = parseInput(CalendarQuery, input, 'query');
      const timeZone = query.timeZone ?? (await deps.queries.timeZoneOf(userID, fresh)) ?? 'UTC';
      let window: { from: Date; to: Date };
      if (query.from !== undefined || query.to !== undefined) {
        if (query.from === undefined || query.to === undefined) {
          throw new DomainError('VALIDATION_FAILED', 'give both from and to', [{ path: query.from === undefined ? 'from' : 'to', message: 'required with the other' }]);
        }
        window = { from: new Date(query.from), to: new Date(query.to) };
        const days = (window.to.getTime() - window.from.getTime()) / 86_400_000;
        if (days <= 0) throw new DomainError('INVALID_TIME_RANGE', 'to must be after from', [{ path: 'to', message: 'must be after from' }]);
        if (days > MAX_WINDOW_DAYS) throw new DomainError('VALIDATION_FAILED', `a window spans at most ${MAX_WINDOW_DAYS} days`, [{ path: 'to', message: 'window too long' }]);
      } else {
        window = calendarWindow(query.view, query.date ?? todayIn(deps.clock(), timeZone), timeZone);
      }
      const { events, truncated } = await deps.queries.calendar(userID, window.from, window.to, timeZone, fresh);
      return {
        headers: { 'Cache-Control': 'private, no-cache' },
        body: { from: window.from.toISOString(), to: window.to.toISOString(), timeZone, events, truncated },
      };
    },
  };
}

/** GET /events/:eventID: one event with its attendees. */
export function eventDetailsRoutes(deps: { queries: ReadModelQueries }): Router {
  const router = Router();

  router.get('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const event = await deps.queries.event(eventID, authenticatedUser(req));
    if (!event) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('ETag', `"${event.version}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(event);
  });

  return router;
}
