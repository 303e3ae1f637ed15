import type { ReplyAddresses } from '@datebook/shared-kernel';
import { type EventState, guestsSeeEachOther } from '../calendarEvents/eventState';
import { externalRecipientIDs } from '../calendarEvents/externalAttendees';
import { occurrenceView } from '../calendarEvents/occurrenceView';
import type { MessageIntent } from '../calendarEvents/whoGetsWhat';
import type { ReminderMethod } from '../reminderEvents';
import { answerOf, buildICalendar, type CalendarPerson } from './icalendar';

export interface Recipient extends CalendarPerson {
  timeZone: string;
}

/** A message as recorded in the ledger before it is sent: everything but the Message-ID and From. */
export interface RenderedEmail {
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  calendar?: { method: 'REQUEST' | 'CANCEL' | 'REPLY'; content: string };
}

const DAY_MS = 86_400_000;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
// Making a DateTimeFormat costs far more than formatting with one (it loads the zone's rules): one per zone.
const rangeFormats = new Map<string, Intl.DateTimeFormat>();
// formatRange itself takes tens of microseconds, and one message shows its time two or three times (subject,
// body, push), a delivery the same meeting to every guest: the last few thousand ranges are kept.
const describedRanges = new Map<string, string>();
const DESCRIBED_RANGES_KEPT = 5_000;
/** A date as "Mon, 25 Mar 2030", on the calendar of `timeZone`. */
function formatDate(instant: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

/**
 * When, for a reader in `timeZone`: a timed event as start and end in the reader's own zone ("Wed 26
 * Nov 2025, 10:00 – 11:00 (Europe/Berlin)"); an all-day event as its dates, the same in every zone
 * (RFC 5545 §3.3.4 DATE values float), end inclusive ("Tue, 1 Oct 2030 – Wed, 2 Oct 2030"), a single
 * day once ("Mon, 11 Nov 2030"). All-day times are the dates at 00:00 UTC, end exclusive.
 */
export function describeWhen(event: Pick<EventState, 'startTime' | 'endTime'> & { allDay?: boolean }, timeZone: string): string {
  if (event.allDay) {
    const first = Date.parse(event.startTime);
    const last = Math.max(first, Date.parse(event.endTime) - DAY_MS);
    return last - first < DAY_MS ? formatDate(first, 'UTC') : `${formatDate(first, 'UTC')} – ${formatDate(last, 'UTC')}`;
  }
  const key = `${timeZone} ${event.startTime} ${event.endTime}`;
  const known = describedRanges.get(key);
  if (known !== undefined) return known;
  let format = rangeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    rangeFormats.set(timeZone, format);
  }
  const described = `${format.formatRange(new Date(event.startTime), new Date(event.endTime))} (${timeZone})`;
  if (describedRanges.size >= DESCRIBED_RANGES_KEPT) describedRanges.clear();
  describedRanges.set(key, described);
  return described;
}

/** The day of one occurrence, by its original start ("Mon, 25 Mar 2030"): a date of its own for all-day series, else the reader's day. */
export function describeOccurrenceDay(event: Pick<EventState, 'allDay'>, originalStart: string, timeZone: string): string {
  return event.allDay ? formatDate(Date.parse(`${originalStart.slice(0, 10)}T00:00:00Z`), 'UTC') : formatDate(Date.parse(originalStart), timeZone);
}

/**
 * A value shown on one line: a title, a name, a place. Line breaks of every kind (CR, LF, NEL,
 * U+2028, U+2029) and control characters become spaces, so a title can neither start a header of
 * its own in the subject (RFC 5322 §2.2: a header field ends at CRLF) nor fake lines in the body.
 */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** How a person is listed in a message body: name, address, and whether they organize it. */
const listedPerson = (event: EventState, who: CalendarPerson): string =>
  // A guest invited by address has no name but the address.
  `${who.external ? who.email : `${oneLine(who.name)} <${who.email}>`}${who.userID === event.hostID ? ' (organizer)' : ''}${who.optional ? ' (optional)' : ''}`;

function body(headline: string, event: EventState, reader: Recipient, footer: string, guests: readonly CalendarPerson[] = []): { text: string; html: string } {
  const when = describeWhen(event, reader.timeZone);
  const rows: [string, string][] = [
    ['When', when],
    ...(event.location ? [['Where', oneLine(event.location)] as [string, string]] : []),
    ...(guests.length > 0 ? [['Guests', guests.map((who) => listedPerson(event, who)).join(', ')] as [string, string]] : []),
    ...(event.description ? [['Details', event.description] as [string, string]] : []),
  ];
  const text = [headline, '', oneLine(event.title), ...rows.map(([k, v]) => `${k}: ${v}`), '', footer, ''].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(headline)}</p>`,
    `<h2>${escapeHtml(oneLine(event.title))}</h2>`,
    '<table>',
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`),
    '</table>',
    `<p>${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}

const REPLY_WORD = { ACCEPTED: 'Accepted', DECLINED: 'Declined', TENTATIVE: 'Tentatively accepted', PENDING: 'No answer yet' } as const;

/**
 * Who a reader may see on the event: everyone (guests invited by address last), unless the organizer hid
 * the guest list (guestsCanSeeOtherGuests false), in which case a guest sees the organizer and themselves
 * only; the organizer always sees everyone.
 */
export function attendeesVisibleTo(reader: Recipient, event: EventState, people: ReadonlyMap<string, Recipient>): Recipient[] {
  const everyone = [...Object.keys(event.attendees), ...externalRecipientIDs(event)].flatMap((id) => people.get(id) ?? []);
  if (reader.userID === event.hostID || guestsSeeEachOther(event)) return everyone;
  return everyone.filter((who) => who.userID === event.hostID || who.userID === reader.userID);
}

/**
 * The e-mail for one decided message. Attendees listed in the calendar part follow RFC 5546: a REQUEST
 * lists everyone the reader may see, a REPLY only the answering attendee (§3.2.3), a CANCEL to a
 * removed guest only them. A message about one occurrence (`intent.occurrence`) shows that occurrence
 * and names its day.
 */
export interface EventEmailInput {
  intent: MessageIntent;
  event: EventState;
  people: ReadonlyMap<string, Recipient>;
  stamp: Date;
  /** Told of each stored recurrence line left out of the calendar part (not a valid RRULE/EXDATE/RDATE). */
  onOmittedLine?: (line: string) => void;
  /** With inbound mail on: the reply address of each event and guest, where their calendar's answer goes. */
  replyAddresses?: ReplyAddresses;
}

export function renderEventEmail(input: EventEmailInput): RenderedEmail | undefined {
  return eventEmail(input)?.render();
}

/**
 * An e-mail to be rendered only if it is going to be sent: its address now, its text, HTML and calendar part
 * when `render` is called (the ledger records one it skips by its address alone: rendering the messages of a
 * replay or to unconfirmed addresses would be most of the work of catching up). Undefined when there is
 * nobody to write to (the reader, the host or the answering guest has no profile).
 */
export function eventEmail(input: EventEmailInput): { to: string; render(): RenderedEmail } | undefined {
  const { intent, event, people } = input;
  const reader = people.get(intent.recipient);
  const host = people.get(event.hostID);
  if (!reader || !host) return undefined;
  const guest = intent.kind === 'reply' ? (intent.from === undefined ? undefined : people.get(intent.from)) : undefined;
  if (intent.kind === 'reply' && !guest) return undefined;
  return { to: reader.email, render: () => renderFor(input, reader, host, guest) };
}

function renderFor(input: EventEmailInput, reader: Recipient, host: Recipient, guest: Recipient | undefined): RenderedEmail {
  const { intent, event, people } = input;
  // RFC 6047 §2.3: a calendar sends its REPLY to the ORGANIZER's address. With inbound mail on, that is the
  // reader's own reply address (the host's name kept as CN), so the answer reaches Datebook and is recorded;
  // the same ORGANIZER in every REQUEST and CANCEL, as clients match them to the event they hold by it.
  const organizer = input.replyAddresses ? { ...host, email: input.replyAddresses.addressFor(event.eventID, reader.email) } : host;
  const { occurrence } = intent;
  const shown = occurrence === undefined ? event : occurrenceView(event, occurrence);
  const listed = attendeesVisibleTo(reader, event, people);
  const subjectWhen = `${oneLine(shown.title)} @ ${describeWhen(shown, reader.timeZone)}`;
  const onDay = occurrence === undefined ? '' : ` on ${describeOccurrenceDay(event, occurrence, reader.timeZone)}`;
  const organizerName = oneLine(organizer.name);
  const omitted = input.onOmittedLine ? { onOmittedLine: input.onOmittedLine } : {};
  const oneOccurrence = occurrence === undefined ? {} : { occurrence };
  switch (intent.kind) {
    case 'invitation':
    case 'update': {
      const headline =
        intent.kind === 'invitation' ? `${organizerName} invited you.` : occurrence === undefined ? `${organizerName} changed this event.` : `${organizerName} changed the occurrence${onDay}.`;
      const calendar = buildICalendar({ method: 'REQUEST', event, organizer, attendees: listed, stamp: input.stamp, ...oneOccurrence, ...omitted });
      return {
        to: reader.email,
        replyTo: organizer.email,
        subject: `${intent.kind === 'invitation' ? 'Invitation' : 'Updated invitation'}: ${occurrence === undefined ? subjectWhen : `${oneLine(shown.title)}${onDay}, now @ ${describeWhen(shown, reader.timeZone)}`}`,
        // A guest invited by address has no Datebook account: their calendar's answer (RFC 6047 REPLY) goes to the organizer.
        ...body(headline, shown, reader, reader.external ? 'Answer in your calendar; your answer goes to the organizer.' : 'Answer in your calendar or in Datebook.', listed),
        calendar: { method: 'REQUEST', content: calendar },
      };
    }
    case 'cancellation': {
      if (occurrence !== undefined) {
        // RFC 5546 §3.2.5: one instance cancelled, the series goes on.
        const calendar = buildICalendar({ method: 'CANCEL', event, organizer, attendees: listed, stamp: input.stamp, occurrence });
        return {
          to: reader.email,
          replyTo: organizer.email,
          subject: `Cancelled: ${oneLine(shown.title)}${onDay}`,
          ...body(`${organizerName} cancelled the occurrence${onDay}. The other occurrences stay as they are.`, shown, reader, 'It has been taken off your calendar.', listed),
          calendar: { method: 'CANCEL', content: calendar },
        };
      }
      const wholeEvent = event.status === 'cancelled';
      const told = wholeEvent ? listed : [reader];
      const calendar = buildICalendar({ method: 'CANCEL', event, organizer, attendees: told, stamp: input.stamp, ...omitted });
      return {
        to: reader.email,
        replyTo: organizer.email,
        subject: `${wholeEvent ? 'Cancelled event' : 'Removed from event'}: ${subjectWhen}`,
        ...body(wholeEvent ? `${organizerName} cancelled this event.` : `${organizerName} removed you from this event.`, event, reader, 'It has been taken off your calendar.', told),
        calendar: { method: 'CANCEL', content: calendar },
      };
    }
    case 'reply': {
      if (!guest) throw new Error('a reply is rendered for the guest who answered');
      const status = answerOf(event, guest, occurrence);
      const answer = REPLY_WORD[status];
      // The host reads their own REPLY: the ORGANIZER is them at their own address.
      const calendar = buildICalendar({ method: 'REPLY', event, organizer: host, attendees: [guest], stamp: input.stamp, ...oneOccurrence });
      return {
        to: reader.email,
        replyTo: guest.email,
        subject: `${answer}: ${oneLine(shown.title)} @ ${describeWhen(shown, reader.timeZone)} (${oneLine(guest.name)})${occurrence === undefined ? '' : ' (this occurrence)'}`,
        ...body(`${oneLine(guest.name)} answered: ${answer.toLowerCase()}.`, shown, reader, 'You are the organizer of this event.'),
        calendar: { method: 'REPLY', content: calendar },
      };
    }
  }
}

export function renderReminderEmail(input: { event: EventState; reader: Recipient; minutes: number; late: boolean }): RenderedEmail {
  const { event, reader, minutes, late } = input;
  const lead = minutes === 0 ? 'now' : `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const headline = late ? `This reminder is late: the notifier could not send it on time (it was due ${minutes} minutes before the start).` : `Starts ${lead}.`;
  return {
    to: reader.email,
    subject: `Reminder: ${oneLine(event.title)} @ ${describeWhen(event, reader.timeZone)}${late ? ' (late)' : ''}`,
    ...body(headline, event, reader, 'You get this reminder because of your reminder settings for this event.'),
  };
}

/** What a device shows: short, no addresses (RFC 8291 encrypts it, but lock screens are public). */
export interface PushPayload {
  title: string;
  body: string;
  eventID: string;
  kind: string;
  late?: boolean;
}

export function pushPayloadFor(kind: string, event: EventState, reader: Recipient, extra: { method?: ReminderMethod; late?: boolean; from?: string; occurrence?: string } = {}): PushPayload {
  const shown = extra.occurrence === undefined ? event : occurrenceView(event, extra.occurrence);
  const when = describeWhen(shown, reader.timeZone);
  const onDay = extra.occurrence === undefined ? '' : ` on ${describeOccurrenceDay(event, extra.occurrence, reader.timeZone)}`;
  const titles: Record<string, string> = {
    invitation: `Invitation: ${shown.title}`,
    update: `Updated: ${shown.title}${onDay}`,
    cancellation: event.status === 'cancelled' || extra.occurrence !== undefined ? `Cancelled: ${shown.title}${onDay}` : `Removed: ${shown.title}`,
    reply: `${extra.from ?? 'A guest'} answered: ${shown.title}${onDay}`,
    reminder: `Reminder: ${shown.title}`,
  };
  return { title: titles[kind] ?? shown.title, body: when, eventID: event.eventID, kind, ...(extra.late ? { late: true } : {}) };
}
