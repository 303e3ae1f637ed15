import {
  type ContentLine,
  DEFAULT_EXPANSION_BUDGET,
  ExpansionBudget,
  type ICalComponent,
  ICalendarSyntaxError,
  normaliseEmail,
  paramOf,
  propertiesOf,
  propertyOf,
  readComponents,
  readContentLines,
  ZoneResolver,
} from '@datebook/shared-kernel';

/** One VEVENT of an iTIP message, as much as answering needs (RFC 5546 §3.2.3 REPLY). */
export interface ItipEventReply {
  uid: string | null;
  /** RFC 5545 §3.8.7.4: 0 when absent. */
  sequence: number;
  /** RFC 5545 §3.8.4.4: the occurrence answered, when one is. */
  recurrenceID: { value: string; tzid: string | null; date: boolean } | null;
  attendees: { address: string; partstat: string | null }[];
}

/** The calendar object of a message: its METHOD (RFC 5546 §1.4), its VEVENTs, and what its TZIDs stand for. */
export interface ItipMessage {
  method: string | null;
  events: ItipEventReply[];
  /** The message's own VTIMEZONEs and zone names (Outlook writes Windows names), for reading RECURRENCE-IDs. */
  zones: ZoneResolver;
}

export class ItipReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ItipReadError';
  }
}

// Bounds on what one message may make the reader do (the message itself is at most 1 MiB; a REPLY is a few dozen lines).
const LIMITS = { maxLineOctets: 64 * 1024, maxContentLines: 10_000, maxEvents: 20, maxNesting: 8, maxPropertiesPerComponent: 500 };
const MAX_ATTENDEES = 50;

/** The address of a cal-address value (RFC 5545 §3.3.3: a mailto: URI, RFC 6068), in its normal form. */
function addressOf(value: string): string {
  const uri = value.trim();
  const address = /^mailto:/i.test(uri) ? uri.slice('mailto:'.length) : uri;
  let decoded = address;
  try {
    decoded = decodeURIComponent(address);
  } catch {
    // Not percent-encoded after all: the address as written.
  }
  return normaliseEmail(decoded);
}

function sequenceOf(line: ContentLine | undefined): number {
  if (line === undefined) return 0;
  if (!/^\s*\d{1,9}\s*$/.test(line.value)) throw new ItipReadError(`line ${line.line}: SEQUENCE "${line.value.slice(0, 20)}" is not a non-negative integer`);
  return Number(line.value);
}

function eventReplyOf(vevent: ICalComponent): ItipEventReply {
  const attendees = propertiesOf(vevent, 'ATTENDEE');
  if (attendees.length > MAX_ATTENDEES) throw new ItipReadError(`line ${vevent.line}: more than ${MAX_ATTENDEES} ATTENDEEs in one VEVENT`);
  const recurrenceID = propertyOf(vevent, 'RECURRENCE-ID');
  return {
    uid: propertyOf(vevent, 'UID')?.value ?? null,
    sequence: sequenceOf(propertyOf(vevent, 'SEQUENCE')),
    recurrenceID:
      recurrenceID === undefined
        ? null
        : { value: recurrenceID.value.trim(), tzid: paramOf(recurrenceID, 'TZID') ?? null, date: paramOf(recurrenceID, 'VALUE')?.toUpperCase() === 'DATE' || /^\d{8}$/.test(recurrenceID.value.trim()) },
    // Properties of the VEVENT itself: an ATTENDEE of a nested VALARM (RFC 5545 §3.6.6) is not one of the event's.
    attendees: attendees.map((line) => ({ address: addressOf(line.value), partstat: paramOf(line, 'PARTSTAT')?.toUpperCase() ?? null })),
  };
}

/**
 * Reads the parts of an iTIP message (RFC 5546) an answer needs: METHOD, and per VEVENT its UID, SEQUENCE,
 * RECURRENCE-ID and ATTENDEEs with PARTSTAT, with the shared RFC 5545 reader (content lines, components)
 * under bounds of its own. Throws ItipReadError for text that is not an iCalendar object or passes a bound.
 */
export function readItipMessage(text: string): ItipMessage {
  let calendars: ICalComponent[];
  try {
    calendars = readComponents(readContentLines(text, LIMITS), LIMITS);
  } catch (error) {
    if (error instanceof ICalendarSyntaxError) throw new ItipReadError(error.message);
    throw error;
  }
  const method = calendars.map((calendar) => propertyOf(calendar, 'METHOD')?.value.trim().toUpperCase()).find((value) => value !== undefined) ?? null;
  const events = calendars.flatMap((calendar) => calendar.components.filter((component) => component.name === 'VEVENT').map(eventReplyOf));
  // The message's VTIMEZONE rules are expanded under one series' budget, as a file's are under the file's.
  return { method, events, zones: ZoneResolver.of(calendars, new ExpansionBudget(DEFAULT_EXPANSION_BUDGET)) };
}
