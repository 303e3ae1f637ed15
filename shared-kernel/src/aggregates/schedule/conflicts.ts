import { type BusyInterval, mergeIntervals } from '../../intervals';
import { DomainError, type FieldError } from '../../errors/domainError';

/** Someone busy while a booking would be on. */
export interface Conflict {
  userID: string;
  from: string;
  to: string;
}

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
