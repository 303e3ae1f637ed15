import { z } from 'zod';

/**
 * The Schedule stream of a user serialises bookings made with rejectOnConflict: a reservation is
 * appended with the stream's expected version before the event itself, so two such bookings of the
 * same slot cannot both pass the conflict check.
 */
export const TimeReserved = z.object({
  userID: z.string().uuid(),
  eventID: z.string().uuid(),
  /** The occurrences being booked, as UTC instants. */
  intervals: z.array(z.object({ start: z.string(), end: z.string() })),
  reservedAt: z.string(),
});

export type ScheduleEvent = { type: 'TimeReserved'; data: z.infer<typeof TimeReserved> };

export function parseScheduleEvent(type: string, data: unknown): ScheduleEvent | undefined {
  return type === 'TimeReserved' ? { type, data: TimeReserved.parse(data) } : undefined;
}
