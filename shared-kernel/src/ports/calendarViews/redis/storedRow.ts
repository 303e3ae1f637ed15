import type { AttendanceRow } from '../../readModel/attendanceRows';

/** What a row's field in `:r` holds: the row without its user id (the key says it), plus the span end (null when endless). */
interface StoredRow {
  e: number | null;
  s: AttendanceRow['rsvpStatus'];
  o: AttendanceRow['occurrenceResponses'];
  ev: AttendanceRow['event'];
}

/** The JSON kept for a row whose span ends at `end` (Infinity for an endless series). */
export const encodeRow = (row: AttendanceRow, end: number): string =>
  JSON.stringify({ e: Number.isFinite(end) ? end : null, s: row.rsvpStatus, o: row.occurrenceResponses, ev: row.event } satisfies StoredRow);

/** The row a field of `userID`'s `:r` holds, with its span end. */
export const decodeRow = (userID: string, json: string): { row: AttendanceRow; end: number } => {
  const stored = JSON.parse(json) as StoredRow;
  return { row: { userID, event: stored.ev, rsvpStatus: stored.s, occurrenceResponses: stored.o }, end: stored.e ?? Infinity };
};
