import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, eventIDSchema, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';
import { loadEventState } from '../calendarEvents/eventStateStore';
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
    summary: 'What was sent to whom and when, and what failed (host only)',
    responses: { 200: { description: 'The ledger of this event', schema: z.object({ eventID: z.string(), notifications: z.array(NotificationView) }) }, 404: { description: 'EVENT_NOT_FOUND: no such event, or you are not its host' } },
  },
];

export function notificationRoutes(deps: { db: SqlExecutor }): Router {
  const router = Router();
  router.get('/events/:eventID/notifications', async (req, res) => {
    const { eventID } = parseInput(z.object({ eventID: eventIDSchema }), req.params, 'params');
    const stored = await loadEventState(deps.db, eventID);
    // Not the host answers as not found: whether an event exists is not for others to learn here.
    if (!stored || stored.state.hostID !== authenticatedUser(req)) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ eventID, notifications: await notificationsOfEvent(deps.db, eventID, MAX_LISTED) });
  });
  return router;
}
