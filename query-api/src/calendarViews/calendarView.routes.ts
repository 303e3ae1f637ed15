import { calendarWindow, DomainError, todayIn } from '@datebook/shared-kernel';
import { authenticatedUser, dateSchema, eventIDSchema, instantSchema, type JsonRoute, parseInput, type RouteDoc, timeZoneSchema } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import { z } from 'zod';
import { type CalendarPage, decodeCalendarPage, encodeCalendarPage, requireSameWindow } from './calendarPageToken';
import type { ReadModelQueries } from './readModelQueries';
import type { CalendarSelection } from './calendarSelection';
import type { KeptAnswers } from './keptAnswers';

/** Google Calendar's events.list bounds: 250 items a page by default, at most 2,500. */
const DEFAULT_MAX_RESULTS = 250;
const MAX_MAX_RESULTS = 2_500;

const CalendarQuery = z.object({
  view: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['DAILY', 'WEEKLY', 'MONTHLY'])).default('WEEKLY'),
  date: dateSchema.optional().describe("A day inside the wanted view; today in the zone when absent"),
  timeZone: timeZoneSchema.optional().describe("The zone days are counted in; the user's own zone when absent"),
  from: instantSchema.optional().describe('With `to`: an arbitrary window instead of a view'),
  to: instantSchema.optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_MAX_RESULTS).optional()
    .describe(`At most this many items a page (default ${DEFAULT_MAX_RESULTS} for from/to; a view without it or pageToken answers whole, as before)`),
  pageToken: z.string().max(400).optional().describe('The `nextPageToken` of the previous page: the next items of the same window, strictly after the last one returned'),
  calendarIDs: z.string().max(4000).optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const ids = v.split(',').map((id) => id.trim());
      if (ids.length > 50 || ids.some((id) => id !== 'primary' && !z.string().uuid().safeParse(id).success)) {
        ctx.addIssue({ code: 'custom', message: 'a comma-separated list of at most 50 calendar ids (or primary)' });
        return z.NEVER;
      }
      return ids;
    })
    .describe('Only these calendars (comma-separated; `primary` is yours); every calendar in your list when absent'),
});

const CalendarEntry = z.object({
  eventID: z.string().describe('For an occurrence: <recurringEventID>_<original start>'),
  userID: z.string().describe('The host'), calendarID: z.string().describe('The calendar the event is on'),
  accessRole: z.string().describe("Your role on that calendar; `busy: true` items (free/busy readers, private events) carry only their times"),
  busy: z.boolean().optional(), title: z.string(), startTime: z.string(), endTime: z.string(),
  timeZone: z.string(), location: z.string().nullable(), rsvpStatus: z.string(), allDay: z.boolean(),
  startDate: z.string().optional().describe('All-day items: the first day'), endDate: z.string().optional().describe('All-day items: the day after the last'),
  recurringEventID: z.string().optional().describe('Occurrences: the series'), originalStartTime: z.string().optional().describe('Occurrences: the start before any change'),
});
const CalendarResponse = z.object({
  from: z.string(), to: z.string(), timeZone: z.string(), events: z.array(CalendarEntry),
  truncated: z.boolean().describe('True when a series had more occurrences than the cap (1000) in an unpaged view, or at one instant when paged, and was cut'),
  nextPageToken: z.string().optional().describe('More items follow: ask again with `pageToken` (and the same window)'),
});
const EventResponse = z.object({
  eventID: z.string(), userID: z.string(), title: z.string(), description: z.string().nullable(), location: z.string().nullable(),
  startTime: z.string(), endTime: z.string(), timeZone: z.string(), allDay: z.boolean(), startDate: z.string().nullable(), endDate: z.string().nullable(),
  recurrence: z.array(z.string()), exceptions: z.record(z.string(), z.unknown()), status: z.enum(['confirmed', 'cancelled']), version: z.number(),
  guestsCanSeeOtherGuests: z.boolean().describe('When false, guests see only the host and themselves among the attendees'),
  attendees: z.array(z.union([
    z.object({ userID: z.string(), userName: z.string().nullable(), rsvpStatus: z.string() }),
    z.object({ email: z.string(), rsvpStatus: z.enum(['PENDING', 'ACCEPTED', 'DECLINED', 'TENTATIVE']), optional: z.boolean() }).describe('A guest invited by an address with no account (answers by mail: inbound iMIP)'),
  ])),
});
const consistencyHeader = { 'X-Consistency-Token': 'Wait until the views include the write that returned this token' };

export const calendarViewRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary:
      "The user's calendar for a day, week (default) or month, or for any window [from, to) inside 1900–2200, paged as Google Calendar's events.list: " +
      '`maxResults` items (default 250 for from/to, at most 2,500) ordered by (start, eventID), and `nextPageToken` while more follow; pass it as `pageToken` ' +
      'for the next page, which lists strictly after the last item returned, so every occurrence is listed exactly once even when events change between pages. ' +
      'A page may hold fewer than maxResults (a series gives at most 1,000 occurrences a page, and a page ends where a series was expanded to): only the absence of nextPageToken ends the listing. ' +
      'A view (view/date) answers whole unless it is given maxResults or pageToken. A token not given out for this window answers 400 naming `pageToken`',
    headers: consistencyHeader,
    responses: { 200: { description: 'Events sorted by start', schema: CalendarResponse }, 400: { description: 'An invalid field, or a page token not given out for this window (names `pageToken`)' } },
  },
  { method: 'get', path: '/events/{eventID}', operationId: 'getEvent', summary: 'One event with its attendees (host and attendees only)', headers: consistencyHeader, responses: { 200: { description: 'The event', schema: EventResponse, headers: ['ETag'] }, 404: { description: 'EVENT_NOT_FOUND: no such event, or not one of yours' } } },
];

/** GET /events: the user's calendar (the hottest read, so a JSON route served ahead of Express). */
export function calendarRoute(deps: { queries: ReadModelQueries; clock: () => Date; selection: CalendarSelection; kept?: KeptAnswers }): JsonRoute {
  return {
    method: 'GET',
    path: '/events',
    async handle({ userID, input, fresh }) {
      const query = parseInput(CalendarQuery, input, 'query');
      const page = query.pageToken ? decodeCalendarPage(query.pageToken) : undefined;
      const windowAsked = query.from !== undefined || query.to !== undefined || query.date !== undefined || (input as Record<string, unknown>).view !== undefined;
      let timeZone: string;
      let window: { from: Date; to: Date };
      if (page && !windowAsked && (query.timeZone === undefined || query.timeZone === page.timeZone)) {
        // A next page on its own: the token names its window and zone.
        timeZone = page.timeZone;
        window = { from: new Date(page.from), to: new Date(page.to) };
      } else {
        timeZone = query.timeZone ?? (await deps.queries.timeZoneOf(userID, fresh)) ?? 'UTC';
        window = windowOf(query, timeZone, deps.clock);
        if (page) requireSameWindow(page, window, timeZone);
      }
      const range = { from: window.from.toISOString(), to: window.to.toISOString(), timeZone };
      const headers = { 'Cache-Control': 'private, no-cache' };
      const narrowedTo = query.calendarIDs?.map((id) => (id === 'primary' ? userID : id));
      // A view asked without paging answers whole, as it always has (and as the bench measures it).
      if (!page && query.maxResults === undefined && query.from === undefined) {
        // Kept answers (keptAnswers.ts) for views; not for a read that waited on a consistency token (it reads the read model).
        const kept = fresh ? undefined : deps.kept;
        const key = `${userID} ${window.from.getTime()} ${window.to.getTime()} ${timeZone} ${narrowedTo?.join(',') ?? '*'}`;
        const keptJson = await kept?.current(key);
        if (keptJson !== undefined) return { headers, body: undefined, json: keptJson };
        // Every stamp is read before what it vouches for: the person's, then each calendar's before its rules, then each view's before its rows.
        const personStamp = await kept?.accessStamps([userID]);
        let rightsRead: string[] = [];
        let calendarStamps: (string | null)[] | undefined;
        const calendars = await deps.selection.selectedBy(userID, narrowedTo, kept && (async (calendarIDs) => {
          rightsRead = calendarIDs;
          calendarStamps = await kept.accessStamps(calendarIDs);
        }));
        const viewsRead = calendars.map((c) => c.calendarID);
        const viewStamps = await kept?.viewStamps(viewsRead);
        const { events, truncated, fromViewsOnly } = await deps.queries.calendar(userID, window.from, window.to, timeZone, fresh, calendars, kept !== undefined);
        const json = JSON.stringify({ ...range, events, truncated });
        if (kept && fromViewsOnly && personStamp && calendarStamps && viewStamps) {
          kept.keep(key, userID, { accessOf: [userID, ...rightsRead], viewsOf: viewsRead }, [...personStamp, ...calendarStamps], viewStamps, json);
        } else {
          kept?.forget(key);
        }
        return { headers, body: undefined, json };
      }
      // Rights are read from the store on every read: a revoked calendar is gone from the very next one.
      const calendars = await deps.selection.selectedBy(userID, narrowedTo);
      const maxResults = query.maxResults ?? DEFAULT_MAX_RESULTS;
      const listed = await deps.queries.calendarPage(userID, window, timeZone, maxResults, page?.after, fresh, calendars);
      const next: CalendarPage | undefined = listed.next && { from: window.from.getTime(), to: window.to.getTime(), timeZone, after: listed.next };
      return { headers, body: { ...range, events: listed.events, truncated: listed.truncated, ...(next ? { nextPageToken: encodeCalendarPage(next) } : {}) } };
    },
  };
}

/** The window a request names: [from, to) (any length inside the valid domain), else the view around `date`. */
function windowOf(query: z.infer<typeof CalendarQuery>, timeZone: string, clock: () => Date): { from: Date; to: Date } {
  if (query.from === undefined && query.to === undefined) return calendarWindow(query.view, query.date ?? todayIn(clock(), timeZone), timeZone);
  if (query.from === undefined || query.to === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'give both from and to', [{ path: query.from === undefined ? 'from' : 'to', message: 'required with the other' }]);
  }
  const window = { from: new Date(query.from), to: new Date(query.to) };
  if (window.to.getTime() <= window.from.getTime()) throw new DomainError('INVALID_TIME_RANGE', 'to must be after from', [{ path: 'to', message: 'must be after from' }]);
  return window;
}

/** GET /events/:eventID: one event with its attendees. */
export function eventDetailsRoutes(deps: { queries: ReadModelQueries; selection: CalendarSelection }): Router {
  const router = Router();

  router.get('/events/:eventID', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const userID = authenticatedUser(req);
    const event = await deps.queries.event(eventID, userID, (calendarID) => deps.selection.roleOf(calendarID, userID));
    if (!event) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('ETag', `"${event.version}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(event);
  });

  return router;
}
