import { type BusyInterval, type Conflict, type EventTiming, occurrencesOverlapping, overlaps, type ScheduleCommand, scheduleDecider, scheduleStreamsAt } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { handleCommand, loadStream } from '../commandHandling/handleCommand';

/** Reads people's busy time (the read model's view; it may lag writes by a moment). */
export type BusyLookup = (userIDs: string[], from: Date, to: Date) => Promise<Map<string, (BusyInterval & { eventID?: string })[]>>;

// A series is checked over its first 90 days (at most 200 occurrences): far enough to warn, bounded.
const LOOKAHEAD_MS = 90 * 86_400_000;

interface Candidate {
  eventID: string;
  timing: EventTiming;
  recurrence: string[];
  userIDs: string[];
}

function candidateIntervals(c: Candidate) {
  const start = Date.parse(c.timing.startTime);
  const shape = { ...c.timing, recurrence: c.recurrence, exceptions: {}, title: '', description: null, location: null };
  return occurrencesOverlapping(shape, { from: start, to: start + LOOKAHEAD_MS }, 200).occurrences.map((o) => ({ start: Date.parse(o.startTime), end: Date.parse(o.endTime) }));
}

/** Conflicts a booking would create for its host and invitees; calendars allow double booking, so these are warnings. */
export async function findConflicts(busyLookup: BusyLookup, candidate: Candidate): Promise<Conflict[]> {
  const intervals = candidateIntervals(candidate);
  if (intervals.length === 0) return [];
  const from = new Date(Math.min(...intervals.map((i) => i.start)));
  const to = new Date(Math.max(...intervals.map((i) => i.end)));
  const busy = await busyLookup(candidate.userIDs, from, to);
  // A retried booking must not conflict with itself.
  for (const [userID, entries] of busy) busy.set(userID, entries.filter((e) => e.eventID !== candidate.eventID));
  return overlaps(busy, intervals);
}

/**
 * rejectOnConflict: checks conflicts and reserves the host's slot in the host's Schedule streams with
 * expected versions, so of two concurrent bookings of the same slot only one gets through. Throws
 * SCHEDULE_CONFLICT (409) with the conflicts, having appended nothing.
 *
 * The streams are those of the reservation windows around `now` (scheduleStreamsAt): a booking reads the
 * reservations of the last two windows only, so its work does not grow with the host's history. Both are
 * decided on together before either is written (the Schedule decider over both windows' reservations);
 * each is then written through handleCommand at the version read, whose retry re-decides on what a
 * concurrent booking reserved meanwhile. The port appends to one stream at a time, so a booking that loses
 * a race to one made in the next window, after its own first append passed, is refused with its
 * reservation left in the earlier window; that reservation lapses with the TTL, as does that of any booking
 * that failed after reserving.
 */
export async function reserveWithoutConflicts(store: EventStore, busyLookup: BusyLookup, hostID: string, candidate: Candidate, now: Date): Promise<void> {
  const intervals = candidateIntervals(candidate);
  const schedules = scheduleStreamsAt(hostID, now);
  const [fromReadModel, windows] = await Promise.all([
    findConflicts(busyLookup, candidate),
    Promise.all(schedules.map((schedule) => loadStream(store, schedule, scheduleDecider))),
  ]);
  const command: ScheduleCommand = {
    type: 'ReserveTime',
    data: {
      userID: hostID, eventID: candidate.eventID, now: now.toISOString(), knownConflicts: fromReadModel,
      intervals: intervals.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })),
    },
  };
  // Throws SCHEDULE_CONFLICT for what either window or the read model shows, before anything is written.
  scheduleDecider.decide(command, { reservations: windows.flatMap((w) => w.state.reservations) });
  const context = { actorID: hostID, now, correlationId: candidate.eventID };
  for (const [index, schedule] of schedules.entries()) await handleCommand(store, schedule, scheduleDecider, command, context, windows[index]);
}
