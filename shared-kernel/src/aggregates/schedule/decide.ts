import type { ScheduleCommand } from './commands';
import { conflictError, overlaps } from './conflicts';
import type { ScheduleEvent } from './events';
import type { ScheduleState } from './state';
import { RESERVATION_TTL_MS } from './streams';

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
