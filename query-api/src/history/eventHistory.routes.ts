import { DomainError, calendarEventStreamName } from '@datebook/shared-kernel';
import { authenticatedUser, eventIDSchema, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';

const HistoryResponse = z.object({
  eventID: z.string(),
  history: z.array(z.object({ type: z.string(), version: z.number(), time: z.string(), who: z.string(), data: z.unknown() })),
});

export const eventHistoryRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/events/{eventID}/history', operationId: 'getEventHistory', summary: "The event's audit history: every change, oldest first (host and current attendees)", headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'History', schema: HistoryResponse }, 404: { description: 'EVENT_NOT_FOUND: no such event, or not one of yours' } } },
];

/** Audit history straight from the event stream: always complete and never lagging. */
export function eventHistoryRoutes(deps: { store: EventStore }): Router {
  const router = Router();
  router.get('/events/:eventID/history', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const viewer = authenticatedUser(req);
    const { events } = await deps.store.readStream(calendarEventStreamName(eventID));
    // The host and the current attendees only: someone removed from the event reads nothing of it any more,
    // least of all what changed after they left. Membership is read from the raw facts, so an event this
    // code cannot parse (parked by the consumers) still shows its history to the people on it.
    const onEvent = new Set<string>();
    let hostID: unknown;
    let guestsSeeGuests = true;
    const dataOf = (data: unknown) => (typeof data === 'object' && data !== null ? data : {}) as { hostID?: unknown; userID?: unknown; guestsCanSeeOtherGuests?: unknown };
    for (const recorded of events) {
      const data = dataOf(recorded.data);
      if (recorded.type === 'CalendarEventScheduled') hostID = data.hostID;
      if ((recorded.type === 'CalendarEventScheduled' || recorded.type === 'GuestPermissionsChanged') && typeof data.guestsCanSeeOtherGuests === 'boolean') guestsSeeGuests = data.guestsCanSeeOtherGuests;
      if (recorded.type === 'CalendarEventScheduled' && typeof data.hostID === 'string') onEvent.add(data.hostID);
      if (recorded.type === 'AttendeeInvited' && typeof data.userID === 'string') onEvent.add(data.userID);
      if (recorded.type === 'AttendeeUninvited' && typeof data.userID === 'string') onEvent.delete(data.userID);
    }
    if (!onEvent.has(viewer)) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({
      eventID,
      // Without guestsCanSeeOtherGuests a guest's history leaves out what concerns the other guests (who they are).
      history: events.filter((e) => {
        if (viewer === hostID || guestsSeeGuests) return true;
        const about = dataOf(e.data).userID;
        return typeof about !== 'string' || about === viewer || about === hostID;
      }).map((e) => ({ type: e.type, version: e.streamVersion, time: e.metadata.occurredAt, who: e.metadata.actorID, data: e.data })),
    });
  });
  return router;
}
