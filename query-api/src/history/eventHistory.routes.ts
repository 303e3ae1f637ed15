import { atLeast, DomainError, calendarEventStreamName } from '@datebook/shared-kernel';
import { authenticatedUser, eventIDSchema, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { calendarReaderOf, type EventStore, roleOn } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';
import { eventMembership } from './eventMembership';

const HistoryResponse = z.object({
  eventID: z.string(),
  history: z.array(z.object({ type: z.string(), version: z.number(), time: z.string(), who: z.string(), data: z.unknown() })),
});

export const eventHistoryRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/events/{eventID}/history', operationId: 'getEventHistory', summary: "The event's audit history: every change, oldest first (the people on the event, and writers and owners of its calendar)", headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'History', schema: HistoryResponse }, 404: { description: 'EVENT_NOT_FOUND: no such event, or you are neither on it nor a writer or owner of its calendar' } } },
];

/** Audit history straight from the event stream: always complete and never lagging. */
export function eventHistoryRoutes(deps: { store: EventStore }): Router {
  const router = Router();
  router.get('/events/:eventID/history', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const viewer = authenticatedUser(req);
    const { events } = await deps.store.readStream(calendarEventStreamName(eventID));
    // The people on the event, and whoever may change it (writers and owners of its calendar, read from the
    // store now): someone removed from both reads nothing of it any more, least of all what changed after they left.
    const event = eventMembership(events);
    const onEvent = event.people.has(viewer);
    const mayChange = event.calendarID !== undefined && (!onEvent || !event.guestsSeeGuests)
      && atLeast((await roleOn(deps.store, event.calendarID, await calendarReaderOf(deps.store, viewer))).role, 'writer');
    if (!onEvent && !mayChange) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({
      eventID,
      // Without guestsCanSeeOtherGuests a guest's history leaves out what concerns the other guests (who they are);
      // the calendar's writers and owners (the host of an event on their own calendar among them) see it all.
      history: events.filter((e) => {
        if (mayChange || event.guestsSeeGuests) return true;
        const data = e.data as { userID?: unknown; email?: unknown } | null;
        // Guests invited by address are other guests too.
        if (typeof data?.email === 'string') return false;
        const about = data?.userID;
        return typeof about !== 'string' || about === viewer || about === event.hostID;
      }).map((e) => ({ type: e.type, version: e.streamVersion, time: e.metadata.occurredAt, who: e.metadata.actorID, data: e.data })),
    });
  });
  return router;
}
