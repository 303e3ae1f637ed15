import { atLeast, calendarEventStreamName, DomainError, type RecordedEvent } from '@datebook/shared-kernel';
import { authenticatedUser, eventIDSchema, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { calendarReaderOf, type EventStore, roleOn, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';
import { notificationsOfEvent } from './ledger';

const NotificationView = z.object({
  notificationID: z.string(),
  recipient: z.string(),
  recipientName: z.string().nullable(),
  channel: z.enum(['email', 'push']),
  deviceID: z.string().nullable(),
  kind: z.string(),
  occurrence: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  attempts: z.number(),
  late: z.boolean(),
  createdAt: z.string(),
  dueAt: z.string(),
  sentAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

const MAX_LISTED = 5_000;

export const notificationRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/events/{eventID}/notifications',
    operationId: 'listNotifications',
    summary: "What was sent to whom and when, and what failed (writers and owners of the event's calendar: the host of an event on their own calendar, and whoever may change it)",
    responses: { 200: { description: 'The ledger of this event', schema: z.object({ eventID: z.string(), notifications: z.array(NotificationView) }) }, 404: { description: "EVENT_NOT_FOUND: no such event, or you are not a writer or owner of its calendar" } },
  },
];

/**
 * The calendar an event is on now, from the raw facts of its stream (an event these parsers cannot read still
 * answers); events scheduled before calendars are on the host's primary, whose id is the host's.
 */
function calendarOf(events: readonly RecordedEvent[]): string | undefined {
  let calendarID: string | undefined;
  for (const { type, data } of events) {
    const fields = (typeof data === 'object' && data !== null ? data : {}) as { hostID?: unknown; calendarID?: unknown };
    if (type === 'CalendarEventScheduled' && typeof fields.hostID === 'string') calendarID = typeof fields.calendarID === 'string' ? fields.calendarID : fields.hostID;
    if (type === 'CalendarEventMoved' && typeof fields.calendarID === 'string') calendarID = fields.calendarID;
  }
  return calendarID;
}

/**
 * The ledger is for whoever may change the event: writers and owners of its calendar (the host of an event on
 * their own calendar is its owner). Not for every attendee: it names every recipient, which a guest of an event
 * with guestsCanSeeOtherGuests off must not learn, and it is about running the event, not attending it.
 * Rights are read from the event store on every request, so a revoked writer's very next read is refused.
 */
export function notificationRoutes(deps: { db: SqlExecutor; store: EventStore }): Router {
  const router = Router();
  router.get('/events/:eventID/notifications', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const viewer = authenticatedUser(req);
    const calendarID = calendarOf((await deps.store.readStream(calendarEventStreamName(eventID))).events);
    const mayRead = calendarID !== undefined && atLeast((await roleOn(deps.store, calendarID, await calendarReaderOf(deps.store, viewer))).role, 'writer');
    // Anyone else gets not found: whether an event exists is not for others to learn here.
    if (!mayRead) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ eventID, notifications: await notificationsOfEvent(deps.db, eventID, MAX_LISTED) });
  });
  return router;
}
