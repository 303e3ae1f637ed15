import { randomUUID } from 'node:crypto';
import {
  type BusyInterval,
  DomainError,
  type FieldError,
  mergeIntervals,
  occurrencesOverlapping,
  parseScheduleEvent,
  RESERVATION_TTL_MS,
  scheduleStreamsAt,
} from '@datebook/shared-kernel';
import { type EventStore, WrongExpectedVersionError } from '@datebook/shared-kernel/ports';
import type { EventTiming } from './calendarEvent.decide';

/** Reads people's busy time (the read model's view; it may lag writes by a moment). */
export type BusyLookup = (userIDs: string[], from: Date, to: Date) => Promise<Map<string, (BusyInterval & { eventID?: string })[]>>;

export interface Conflict {
  userID: string;
  from: string;
  to: string;
}

// A series is checked over its first 90 days (at most 200 occurrences): far enough to warn, bounded.
const LOOKAHEAD_MS = 90 * 86_400_000;
const MAX_ATTEMPTS = 4;

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

function overlaps(busy: Map<string, BusyInterval[]>, candidates: { start: number; end: number }[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [userID, intervals] of busy) {
    const clipped = candidates.flatMap((c) =>
      intervals.filter((b) => b.start < c.end && b.end > c.start).map((b) => ({ start: Math.max(b.start, c.start), end: Math.min(b.end, c.end) })),
    );
    for (const i of mergeIntervals(clipped)) conflicts.push({ userID, from: new Date(i.start).toISOString(), to: new Date(i.end).toISOString() });
  }
  return conflicts;
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

function conflictError(conflicts: Conflict[]): DomainError {
  const fields: FieldError[] = conflicts.map((c) => ({ path: 'conflicts', message: `${c.userID} is busy from ${c.from} to ${c.to}` }));
  return new DomainError('SCHEDULE_CONFLICT', 'someone is busy then; nothing was booked', fields, { conflicts });
}

/**
 * rejectOnConflict: checks conflicts and reserves the host's slot in the host's Schedule streams with
 * expected versions, so of two concurrent bookings of the same slot only one gets through. Throws
 * SCHEDULE_CONFLICT (409) with the conflicts, having appended nothing.
 *
 * The streams are those of the reservation windows around `now` (scheduleStreamsAt): a booking reads the
 * reservations of the last two windows only, so its work does not grow with the host's history. The port
 * appends to one stream at a time, so a booking that loses a race to one made in the next window, after its
 * own first append passed, is refused with its reservation left in the earlier window; that reservation
 * lapses with the TTL, as does that of any booking that failed after reserving.
 */
export async function reserveWithoutConflicts(store: EventStore, busyLookup: BusyLookup, hostID: string, candidate: Candidate, now: Date): Promise<void> {
  const intervals = candidateIntervals(candidate);
  const schedules = scheduleStreamsAt(hostID, now);
  for (let attempt = 1; ; attempt++) {
    const reads = await Promise.all(schedules.map((schedule) => store.readStream(schedule)));
    const reserved = reads
      .flatMap(({ events }) => events)
      .map((e) => parseScheduleEvent(e.type, e.data))
      .filter((e) => e !== undefined && e.data.eventID !== candidate.eventID && now.getTime() - Date.parse(e.data.reservedAt) < RESERVATION_TTL_MS)
      .flatMap((e) => e?.data.intervals ?? [])
      .map((i) => ({ start: Date.parse(i.start), end: Date.parse(i.end), kind: 'busy' as const }));
    const fromReadModel = await findConflicts(busyLookup, candidate);
    const fromReservations = overlaps(new Map([[hostID, reserved]]), intervals);
    const conflicts = [...fromReadModel, ...fromReservations.filter((r) => !fromReadModel.some((c) => c.userID === r.userID && c.from === r.from && c.to === r.to))];
    if (conflicts.length > 0) throw conflictError(conflicts);
    if (intervals.length === 0) return;
    const reservation = {
      userID: hostID, eventID: candidate.eventID, reservedAt: now.toISOString(),
      intervals: intervals.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })),
    };
    try {
      // The same reservation in both windows, each at the version this attempt read (a retry after the first
      // append passed writes it there again: a duplicate of one's own reservation blocks no one).
      for (const [index, schedule] of schedules.entries()) {
        await store.appendToStream(schedule, [{
          eventID: randomUUID(),
          type: 'TimeReserved',
          data: reservation,
          metadata: { actorID: hostID, occurredAt: now.toISOString(), correlationId: candidate.eventID, schemaVersion: 1 },
        }], reads[index]?.currentVersion ?? 'no_stream');
      }
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
