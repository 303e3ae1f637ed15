import { streamName } from '../../streams/streamName';

/** A reservation guards its slot until the projection shows the booked event, which takes well under this. */
export const RESERVATION_TTL_MS = 60_000;

/**
 * The Schedule streams a reservation made at `at` goes to: one per user per window of RESERVATION_TTL_MS,
 * filed by when the reservation is made (not by the time it books), the window before and the window of
 * `at`. A reservation matters only while it is younger than the TTL, so these two windows hold every
 * reservation a booking at `at` must see, however long the user's history; and two bookings made less than
 * a TTL apart (on clocks that may differ by as much) share at least one of the streams, where only one of
 * their appends at the same expected version succeeds.
 */
export function scheduleStreamsAt(userID: string, at: Date): [previous: string, current: string] {
  const window = Math.floor(at.getTime() / RESERVATION_TTL_MS);
  const named = (index: number) => streamName('Schedule', `${userID}@${new Date(index * RESERVATION_TTL_MS).toISOString()}`);
  return [named(window - 1), named(window)];
}
