import {
  type BusyInterval,
  DomainError,
  type FieldError,
  mergeIntervals,
  parseScheduleEvent,
  RESERVATION_TTL_MS,
  type ScheduleEvent,
  type StoredEvent,
} from '@datebook/shared-kernel';

/** Someone busy while a booking would be on. */
export interface Conflict {
  userID: string;
  from: string;
  to: string;
}

type Reservation = ScheduleEvent['data'];

/** A Schedule stream (see `scheduleStreamsAt`): the reservations filed in one window. */
export interface ScheduleState {
  reservations: Reservation[];
}

export type ScheduleCommand = {
  type: 'ReserveTime';
  data: {
    userID: string;
    eventID: string;
    /** The occurrences being booked, as UTC instants. */
    intervals: { start: string; end: string }[];
    now: string;
    /** Conflicts found elsewhere (the read model): refused together with those the reservations show. */
    knownConflicts: Conflict[];
  };
};

export const initialState = (): ScheduleState => ({ reservations: [] });

export function evolve(state: ScheduleState, event: ScheduleEvent): ScheduleState {
  return { reservations: [...state.reservations, event.data] };
}

export const parse = (stored: StoredEvent): ScheduleEvent | undefined => parseScheduleEvent(stored);

/** Where `candidates` overlap each person's busy time, merged per person. */
export function overlaps(busy: Map<string, BusyInterval[]>, candidates: { start: number; end: number }[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [userID, intervals] of busy) {
    const clipped = candidates.flatMap((c) =>
      intervals.filter((b) => b.start < c.end && b.end > c.start).map((b) => ({ start: Math.max(b.start, c.start), end: Math.min(b.end, c.end) })),
    );
    for (const i of mergeIntervals(clipped)) conflicts.push({ userID, from: new Date(i.start).toISOString(), to: new Date(i.end).toISOString() });
  }
  return conflicts;
}

export function conflictError(conflicts: Conflict[]): DomainError {
  const fields: FieldError[] = conflicts.map((c) => ({ path: 'conflicts', message: `${c.userID} is busy from ${c.from} to ${c.to}` }));
  return new DomainError('SCHEDULE_CONFLICT', 'someone is busy then; nothing was booked', fields, { conflicts });
}

/**
 * Reserves the time unless a reservation still in force (younger than RESERVATION_TTL_MS, of another
 * booking) or a known conflict overlaps it: SCHEDULE_CONFLICT then. A booking's own earlier reservation
 * (a retry) blocks nothing.
 */
export function decide(command: ScheduleCommand, state: ScheduleState): ScheduleEvent[] {
  const { userID, eventID, intervals, now, knownConflicts } = command.data;
  const at = Date.parse(now);
  const reserved = state.reservations
    .filter((r) => r.eventID !== eventID && at - Date.parse(r.reservedAt) < RESERVATION_TTL_MS)
    .flatMap((r) => r.intervals)
    .map((i) => ({ start: Date.parse(i.start), end: Date.parse(i.end), kind: 'busy' as const }));
  const wanted = intervals.map((i) => ({ start: Date.parse(i.start), end: Date.parse(i.end) }));
  const fromReservations = overlaps(new Map([[userID, reserved]]), wanted);
  const conflicts = [...knownConflicts, ...fromReservations.filter((r) => !knownConflicts.some((c) => c.userID === r.userID && c.from === r.from && c.to === r.to))];
  if (conflicts.length > 0) throw conflictError(conflicts);
  if (intervals.length === 0) return [];
  return [{ type: 'TimeReserved', data: { userID, eventID, intervals, reservedAt: now } }];
}
