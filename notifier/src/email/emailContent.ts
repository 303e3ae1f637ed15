import type { EventState } from '../calendarEvents/eventState';
import type { MessageIntent } from '../calendarEvents/whoGetsWhat';
import type { ReminderMethod } from '../reminderEvents';
import { buildICalendar, type CalendarPerson } from './icalendar';

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

/** Start and end in the reader's own zone, e.g. "Wed 26 Nov 2025, 10:00 – 11:00 (Europe/Berlin)". */
export function describeWhen(event: Pick<EventState, 'startTime' | 'endTime'>, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `${format.formatRange(new Date(event.startTime), new Date(event.endTime))} (${timeZone})`;
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

function body(headline: string, event: EventState, reader: Recipient, footer: string): { text: string; html: string } {
  const when = describeWhen(event, reader.timeZone);
  const rows: [string, string][] = [
    ['When', when],
    ...(event.location ? [['Where', oneLine(event.location)] as [string, string]] : []),
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
 * The e-mail for one decided message. Attendees listed in the calendar part follow RFC 5546: a REQUEST
 * lists everyone, a REPLY only the answering attendee (§3.2.3), a CANCEL to a removed guest only them.
 */
export function renderEventEmail(input: {
  intent: MessageIntent;
  event: EventState;
  people: ReadonlyMap<string, Recipient>;
  stamp: Date;
  /** Told of each stored recurrence line left out of the calendar part (not a valid RRULE/EXDATE/RDATE). */
  onOmittedLine?: (line: string) => void;
}): RenderedEmail | undefined {
  const { intent, event, people } = input;
  const reader = people.get(intent.recipient);
  const organizer = people.get(event.hostID);
  if (!reader || !organizer) return undefined;
  const when = describeWhen(event, reader.timeZone);
  const everyone = Object.keys(event.attendees).flatMap((id) => people.get(id) ?? []);
  const subjectWhen = `${oneLine(event.title)} @ ${when}`;
  const organizerName = oneLine(organizer.name);
  const omitted = input.onOmittedLine ? { onOmittedLine: input.onOmittedLine } : {};
  switch (intent.kind) {
    case 'invitation':
    case 'update': {
      const headline = intent.kind === 'invitation' ? `${organizerName} invited you.` : `${organizerName} changed this event.`;
      const calendar = buildICalendar({ method: 'REQUEST', event, organizer, attendees: everyone, stamp: input.stamp, ...omitted });
      return {
        to: reader.email,
        replyTo: organizer.email,
        subject: `${intent.kind === 'invitation' ? 'Invitation' : 'Updated invitation'}: ${subjectWhen}`,
        ...body(headline, event, reader, 'Answer in your calendar or in Datebook.'),
        calendar: { method: 'REQUEST', content: calendar },
      };
    }
    case 'cancellation': {
      const wholeEvent = event.status === 'cancelled';
      const listed = wholeEvent ? everyone : [reader];
      const calendar = buildICalendar({ method: 'CANCEL', event, organizer, attendees: listed, stamp: input.stamp, ...omitted });
      return {
        to: reader.email,
        replyTo: organizer.email,
        subject: `${wholeEvent ? 'Cancelled event' : 'Removed from event'}: ${subjectWhen}`,
        ...body(wholeEvent ? `${organizerName} cancelled this event.` : `${organizerName} removed you from this event.`, event, reader, 'It has been taken off your calendar.'),
        calendar: { method: 'CANCEL', content: calendar },
      };
    }
    case 'reply': {
      const guest = intent.from === undefined ? undefined : people.get(intent.from);
      if (!guest) return undefined;
      const { occurrence } = intent;
      const status = (occurrence === undefined ? undefined : event.occurrenceResponses[guest.userID]?.[occurrence]) ?? event.attendees[guest.userID] ?? 'PENDING';
      const answer = REPLY_WORD[status];
      const calendar = buildICalendar({ method: 'REPLY', event, organizer, attendees: [guest], stamp: input.stamp, ...(occurrence === undefined ? {} : { occurrence }) });
      const shown = occurrence === undefined || event.allDay ? event : { ...event, startTime: occurrence, endTime: new Date(Date.parse(occurrence) + Date.parse(event.endTime) - Date.parse(event.startTime)).toISOString() };
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

export function pushPayloadFor(kind: string, event: EventState, reader: Recipient, extra: { method?: ReminderMethod; late?: boolean; from?: string } = {}): PushPayload {
  const when = describeWhen(event, reader.timeZone);
  const titles: Record<string, string> = {
    invitation: `Invitation: ${event.title}`,
    update: `Updated: ${event.title}`,
    cancellation: event.status === 'cancelled' ? `Cancelled: ${event.title}` : `Removed: ${event.title}`,
    reply: `${extra.from ?? 'A guest'} answered: ${event.title}`,
    reminder: `Reminder: ${event.title}`,
  };
  return { title: titles[kind] ?? event.title, body: when, eventID: event.eventID, kind, ...(extra.late ? { late: true } : {}) };
}
