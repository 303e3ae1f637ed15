import { buildVTimezone, escapeText, externalAttendeesOf, foldLine, iCalUIDOf, isRecurring, localDateTime, nominalStart, occurrenceSpan, offsetMinutes, recurrenceProperty, utcDateTime } from '@datebook/shared-kernel';
// The shared iCalendar writer's TEXT escaping, folding and UTC form (RFC 5545 §3.3.11, §3.1, §3.3.5), as this module has always offered them.
export { escapeText, foldLine, utcDateTime } from '@datebook/shared-kernel';
import type { EventState, RsvpStatus } from '../calendarEvents/eventState';
import { occurrenceView } from '../calendarEvents/occurrenceView';
import type { ItipMethod } from '../calendarEvents/whoGetsWhat';

export interface CalendarPerson {
  /** The user, or for a guest invited by address, the ledger's id of that address (addressRecipientID). */
  userID: string;
  name: string;
  email: string;
  /** Google's attendee.optional: RFC 5545 §3.2.16 ROLE=OPT-PARTICIPANT. */
  optional?: boolean;
  /** Invited by address, with no account: `name` is the address itself. */
  external?: boolean;
}

export interface ICalendarInput {
  method: ItipMethod;
  event: EventState;
  /** The ORGANIZER: the host by name; for a REQUEST or CANCEL with inbound mail on, at the reader's reply address. */
  organizer: CalendarPerson;
  /** Everyone listed as ATTENDEE: all guests for a REQUEST, the answering one for a REPLY, the removed one for a CANCEL to them. */
  attendees: CalendarPerson[];
  /** RFC 5545 §3.8.7.2: when this iCalendar object was made. */
  stamp: Date;
  /** A message about one occurrence of a series only (RFC 5546 §3.2.2.3, §3.2.3, §3.2.5): its original start (RECURRENCE-ID). */
  occurrence?: string;
  /** Told of each stored recurrence line left out because it is not a valid RRULE/EXDATE/RDATE. */
  onOmittedLine?: (line: string) => void;
}


/**
 * A person's answer, for the whole event or (`occurrence`) one occurrence: a guest invited by address
 * answers by mail (inbound iMIP), kept by address, for the whole event only.
 */
export function answerOf(event: EventState, who: Pick<CalendarPerson, 'userID' | 'email' | 'external'>, occurrence?: string): RsvpStatus {
  if (who.external) return externalAttendeesOf(event)[who.email]?.rsvpStatus ?? 'PENDING';
  return (occurrence === undefined ? undefined : event.occurrenceResponses[who.userID]?.[occurrence]) ?? event.attendees[who.userID] ?? 'PENDING';
}

const PARTSTAT: Record<RsvpStatus, string> = { PENDING: 'NEEDS-ACTION', ACCEPTED: 'ACCEPTED', DECLINED: 'DECLINED', TENTATIVE: 'TENTATIVE' };

// Every way of breaking a line: CRLF, CR, LF, NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * RFC 5545 §3.2: a param-value with ':', ';' or ',' must be quoted, and DQUOTE, line breaks and
 * control characters cannot appear at all (a name is shown on one line anyway).
 */
function paramValue(value: string): string {
  const clean = value.replace(LINE_BREAK, ' ').replace(/[\u0000-\u001f\u007f-\u009f"]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** A mailto: URI value (RFC 6068): an address has no whitespace, control characters or line breaks. */
const mailto = (email: string): string => `mailto:${email.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')}`;

function person(property: 'ORGANIZER' | 'ATTENDEE', who: CalendarPerson, params: string[] = []): string {
  return `${property};${[`CN=${paramValue(who.name)}`, ...params].join(';')}:${mailto(who.email)}`;
}

const basicDate = (date: string) => date.replace(/-/g, '');

// How far a VTIMEZONE lists observances for an endless series; clients keep the last one after that.
const ENDLESS_SERIES_YEARS = 10;
const YEAR_MS = 365.25 * 24 * 3_600_000;

/**
 * Times of a VEVENT. A single timed event is written in UTC (§3.3.5 form #2); a timed series in its
 * own zone (form #3, TZID), because RRULE repeats the wall time and a 09:00 meeting must stay at 09:00
 * across daylight-saving changes (§3.3.10); all-day events are DATE values (§3.3.4), DTEND exclusive.
 */
function timesOf(event: EventState, start: string, end: string, startDate: string | null, endDate: string | null): string[] {
  if (event.allDay && startDate !== null && endDate !== null) return [`DTSTART;VALUE=DATE:${basicDate(startDate)}`, `DTEND;VALUE=DATE:${basicDate(endDate)}`];
  if (!isRecurring(event)) return [`DTSTART:${utcDateTime(start)}`, `DTEND:${utcDateTime(end)}`];
  const local = (instant: string) => localDateTime(Date.parse(instant), offsetMinutes(event.timeZone, Date.parse(instant)));
  return [`DTSTART;TZID=${paramValue(event.timeZone)}:${seriesLocal(event, start) ?? local(start)}`, `DTEND;TZID=${paramValue(event.timeZone)}:${local(end)}`];
}

/**
 * A series' DTSTART is its nominal wall time (RFC 5545 §3.3.10): 02:30 named in a DST gap stays 02:30 in the
 * rule, though the first instance happens at 03:30 (§3.3.5). Undefined for any other instant.
 */
function seriesLocal(event: EventState, instant: string): string | undefined {
  return Date.parse(instant) === Date.parse(event.startTime) ? nominalStart(event).replace(/[-:]/g, '').slice(0, 15) : undefined;
}

/** RFC 5545 §3.8.4.4 RECURRENCE-ID of an occurrence, in the same form as the series' DTSTART. */
function recurrenceID(event: EventState, originalStart: string): string {
  if (event.allDay) return `RECURRENCE-ID;VALUE=DATE:${basicDate(originalStart.slice(0, 10))}`;
  const at = Date.parse(originalStart);
  return `RECURRENCE-ID;TZID=${paramValue(event.timeZone)}:${seriesLocal(event, originalStart) ?? localDateTime(at, offsetMinutes(event.timeZone, at))}`;
}

/** The series' recurrence lines, each parsed and written anew; one that does not parse is left out (and reported). */
function safeRecurrence(lines: readonly string[], onOmitted?: (line: string) => void): string[] {
  return lines.flatMap((line) => {
    const written = recurrenceProperty(line);
    if (written === undefined) onOmitted?.(line);
    return written === undefined ? [] : [written];
  });
}

/**
 * The stretch a series covers, for its VTIMEZONE; computed from the lines written (never from lines
 * that were left out), and from the start alone if even those do not expand.
 */
function spanOf(event: EventState): { start: number; end: number } {
  try {
    return occurrenceSpan(event);
  } catch {
    return { start: Date.parse(event.startTime), end: Number.POSITIVE_INFINITY };
  }
}

/**
 * An iTIP object (RFC 5546) for iMIP transport (RFC 6047): a VEVENT with a stable UID and a SEQUENCE
 * that grows with every change, so calendar clients replace the copy they hold. A series carries its
 * RRULE/RDATE/EXDATE lines, a VTIMEZONE for its zone, an EXDATE per cancelled occurrence and a VEVENT
 * with RECURRENCE-ID per changed one (§3.8.4.4). A message about one occurrence (`occurrence`) carries
 * only that instance, named by its RECURRENCE-ID: a REQUEST with its new values (RFC 5546 §3.2.2.3),
 * a CANCEL with STATUS:CANCELLED (§3.2.5), a REPLY with the answer (§3.2.3).
 */
export function buildICalendar(input: ICalendarInput): string {
  const { method, event } = input;
  const cancelled = method === 'CANCEL' || event.status === 'cancelled';
  const series = isRecurring(event) && method !== 'REPLY' && input.occurrence === undefined;
  const recurrence = series ? safeRecurrence(event.recurrence, input.onOmittedLine) : [];
  const people = [
    person('ORGANIZER', input.organizer),
    ...input.attendees.map((attendee) => {
      const status = answerOf(event, attendee, input.occurrence);
      const role = attendee.userID === event.hostID ? 'ROLE=CHAIR' : attendee.optional ? 'ROLE=OPT-PARTICIPANT' : 'ROLE=REQ-PARTICIPANT';
      // RFC 5545 §3.2.17: ask for an answer only while one is outstanding, and never in a REPLY.
      const rsvp = method === 'REQUEST' && status === 'PENDING' ? ['RSVP=TRUE'] : [];
      return person('ATTENDEE', attendee, ['CUTYPE=INDIVIDUAL', role, `PARTSTAT=${PARTSTAT[status]}`, ...rsvp]);
    }),
  ];
  const common = (values: { title: string; description: string | null; location: string | null }) => [
    // RFC 5545 §3.8.4.7: globally unique and the same in every message about the event (and in CalDAV).
    `UID:${iCalUIDOf(event)}`,
    `DTSTAMP:${utcDateTime(input.stamp)}`,
    `SEQUENCE:${event.sequence}`,
    `SUMMARY:${escapeText(values.title)}`,
    ...(values.description ? [`DESCRIPTION:${escapeText(values.description)}`] : []),
    ...(values.location ? [`LOCATION:${escapeText(values.location)}`] : []),
    ...people,
    // RFC 5546 §3.2.5: a CANCEL of the event or of one instance says so with STATUS.
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    // RFC 5545 §3.8.2.7: whether the event blocks time in free/busy.
    `TRANSP:${event.transparency === 'transparent' ? 'TRANSPARENT' : 'OPAQUE'}`,
  ];
  const shown = input.occurrence === undefined ? event : occurrenceView(event, input.occurrence);
  const master = [
    'BEGIN:VEVENT',
    ...(input.occurrence === undefined ? [] : [recurrenceID(event, input.occurrence)]),
    ...timesOf(series ? event : { ...event, recurrence: [] }, shown.startTime, shown.endTime, shown.startDate, shown.endDate),
    ...recurrence,
    ...(series
      ? Object.entries(event.exceptions)
          .filter(([, exception]) => exception.cancelled)
          .map(([originalStart]) => recurrenceID(event, originalStart).replace(/^RECURRENCE-ID/, 'EXDATE'))
      : []),
    ...common(shown),
    'END:VEVENT',
  ];
  const overrides = series
    ? Object.entries(event.exceptions).flatMap(([originalStart, exception]) =>
        exception.cancelled
          ? []
          : ['BEGIN:VEVENT', recurrenceID(event, originalStart), ...timesOf({ ...event, recurrence: [] }, exception.startTime, exception.endTime, exception.startDate, exception.endDate), ...common(exception), 'END:VEVENT'],
      )
    : [];
  let timezone: string[] = [];
  // The TZID of a series' DTSTART, or of the RECURRENCE-ID of one occurrence, names this VTIMEZONE.
  if (isRecurring(event) && !event.allDay && series) {
    const span = spanOf({ ...event, recurrence });
    const from = span.start - YEAR_MS;
    const to = Number.isFinite(span.end) ? Math.min(span.end, span.start + 50 * YEAR_MS) : span.start + ENDLESS_SERIES_YEARS * YEAR_MS;
    timezone = buildVTimezone(event.timeZone, from, to);
  } else if (isRecurring(event) && !event.allDay && input.occurrence !== undefined) {
    // One instance: the observances around its original start are all a client needs to read its RECURRENCE-ID.
    const at = Date.parse(input.occurrence);
    timezone = buildVTimezone(event.timeZone, at - YEAR_MS, at + YEAR_MS);
  }
  const lines = ['BEGIN:VCALENDAR', 'PRODID:-//Datebook//Notifier//EN', 'VERSION:2.0', 'CALSCALE:GREGORIAN', `METHOD:${method}`, ...timezone, ...master, ...overrides, 'END:VCALENDAR'];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
