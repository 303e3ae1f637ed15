import { z } from 'zod';
import type { StoredEvent } from '../../events/recordedEvent';
import { upcast } from '../../events/upcasting';

/**
 * The Schedule streams of a user serialise bookings made with rejectOnConflict: a reservation is
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
export type ScheduleEventType = ScheduleEvent['type'];

/** Parses a stored Schedule event, upcast to its current version; undefined for other types. */
export function parseScheduleEvent(stored: StoredEvent): ScheduleEvent | undefined {
  return stored.type === 'TimeReserved' ? { type: stored.type, data: TimeReserved.parse(upcast(stored.type, stored.metadata.schemaVersion, stored.data)) } : undefined;
}
