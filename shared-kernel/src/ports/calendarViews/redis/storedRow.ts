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

/**
 * `encodeRow` for many rows at once: the JSON of each event is made once however many people's rows share
 * that event object (a batch writes an event to everyone on it), and spliced into each row's JSON, which
 * comes out exactly as `encodeRow`'s.
 */
export function rowEncoder(): (row: AttendanceRow, end: number) => string {
  const eventJson = new WeakMap<AttendanceRow['event'], string>();
  return (row, end) => {
    // JSON.stringify leaves out undefined members; such a row takes the plain path.
    if (row.rsvpStatus === undefined || row.occurrenceResponses === undefined) return encodeRow(row, end);
    let ev = eventJson.get(row.event);
    if (ev === undefined) {
      ev = JSON.stringify(row.event);
      eventJson.set(row.event, ev);
    }
    return `{"e":${Number.isFinite(end) ? end : 'null'},"s":${JSON.stringify(row.rsvpStatus)},"o":${JSON.stringify(row.occurrenceResponses)},"ev":${ev}}`;
  };
}

/** The row a field of `userID`'s `:r` holds, with its span end. */
export const decodeRow = (userID: string, json: string): { row: AttendanceRow; end: number } => {
  const stored = JSON.parse(json) as StoredRow;
  return { row: { userID, event: stored.ev, rsvpStatus: stored.s, occurrenceResponses: stored.o }, end: stored.e ?? Infinity };
};
