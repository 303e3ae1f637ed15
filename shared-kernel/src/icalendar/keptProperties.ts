import { lexContentLine } from './contentLines';
import { addressOf } from './participants';

// Written from the domain's fields on every export: a kept line of the same name must not double them.
const WRITTEN = new Set([
  'BEGIN', 'END', 'UID', 'DTSTAMP', 'SEQUENCE', 'DTSTART', 'DTEND', 'DURATION', 'RRULE', 'RDATE', 'EXDATE', 'RECURRENCE-ID',
  'SUMMARY', 'DESCRIPTION', 'LOCATION', 'CLASS', 'TRANSP', 'CREATED', 'LAST-MODIFIED',
]);
const LINE_SEPARATORS = /[\u0085\u2028\u2029]/;

export interface KeptLines {
  lines: string[];
  /** Whether they hold the event's ORGANIZER/ATTENDEE lines (an imported event's), which then replace the domain's. */
  hasParticipants: boolean;
}

/**
 * The event's kept client properties to write back verbatim: each must still read as one content line
 * (RFC 5545 §3.1) and name no property the domain writes itself (nor STATUS when the event is
 * cancelled). `showAddress` filters kept ATTENDEE lines for a guest who may not see the others.
 */
export function keptLines(extraProperties: readonly string[], cancelled: boolean, showAddress: (address: string | undefined) => boolean): KeptLines {
  const lines: string[] = [];
  let hasParticipants = false;
  for (const raw of extraProperties) {
    if (LINE_SEPARATORS.test(raw)) continue;
    let name: string;
    let address: string | undefined;
    try {
      const line = lexContentLine(raw, 0, 65_536);
      name = line.name;
      address = name === 'ATTENDEE' ? addressOf(line) : undefined;
    } catch {
      continue;
    }
    if (WRITTEN.has(name) || (cancelled && name === 'STATUS')) continue;
    if (name === 'ORGANIZER' || name === 'ATTENDEE') {
      hasParticipants = true;
      if (name === 'ATTENDEE' && !showAddress(address)) continue;
    }
    lines.push(raw);
  }
  return { lines, hasParticipants };
}
