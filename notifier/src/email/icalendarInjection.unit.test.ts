import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { EventState } from '../calendarEvents/eventState';
import { scheduledState } from '../calendarEvents/testEvents';
import { renderEventEmail, renderReminderEmail } from './emailContent';
import { buildICalendar, foldLine } from './icalendar';
import { toNodemailer } from './nodemailerMessage';
import { recurrenceProperty } from '@datebook/shared-kernel';

// Every way a text can try to end a line and start a property of its own.
const BREAKS = ['\r\n', '\r', '\n', '\u0085', '\u2028', '\u2029'];
const smuggle = (glue: string) => `Lunch${glue}ATTENDEE;RSVP=TRUE:mailto:evil@attacker.test${glue}BEGIN:VALARM${glue}ACTION:EMAIL${glue}END:VALARM`;

const host = { userID: '00000000-0000-4000-8000-000000000001', name: 'Ada\r\nATTENDEE:mailto:evil@attacker.test', email: 'ada@example.com' };
const guest = { userID: '00000000-0000-4000-8000-000000000002', name: 'Bob\u2028BEGIN:VALARM "quoted"; x', email: 'bob@example.com' };
const stamp = new Date('2026-03-01T12:00:00Z');

function hostileEvent(glue: string, recurrence: string[] = []): EventState {
  return scheduledState(
    {
      eventID: '10000000-0000-4000-8000-000000000000',
      hostID: host.userID,
      title: smuggle(glue),
      description: `Agenda${glue}END:VEVENT${glue}BEGIN:VEVENT${glue}SUMMARY:fake €€€ ${'ü'.repeat(40)}`,
      location: `Room 1${glue}ORGANIZER:mailto:evil@attacker.test`,
      startTime: '2026-03-10T09:00:00.000Z',
      endTime: '2026-03-10T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
      recurrence,
    },
    { attendees: { [guest.userID]: 'PENDING' }, sequence: 1 },
  );
}

/** The RFC 5545 §3.1 structure, checked without trusting any parser: physical lines, then content lines. */
function contentLines(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  // No line break of any kind but the CRLF that ends a physical line.
  expect(/[\r\n\u0085\u2028\u2029]/.test(text.replace(/\r\n/g, ''))).toBe(false);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  const unfolded = text.slice(0, -2).replace(/\r\n[ \t]/g, '').split('\r\n');
  for (const line of unfolded) expect(line).toMatch(/^[A-Za-z0-9-]+(;[^:]*)?:/);
  return unfolded;
}

const names = (lines: string[]) => lines.map((line) => /^[A-Za-z0-9-]+/.exec(line)?.[0] ?? '');

describe('hostile text cannot add properties to an invitation (RFC 5545 §3.3.11)', () => {
  test.each(BREAKS.map((glue) => [JSON.stringify(glue), glue]))('a title, description, location and names with %s', (_label, glue) => {
    const event = hostileEvent(glue);
    const text = buildICalendar({ method: 'REQUEST', event, organizer: host, attendees: [host, guest], stamp });
    const lines = contentLines(text);
    expect(names(lines).filter((n) => n === 'ATTENDEE')).toHaveLength(2);
    expect(names(lines).filter((n) => n === 'ORGANIZER')).toHaveLength(1);
    expect(names(lines).filter((n) => n === 'SUMMARY')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
    expect(names(lines).filter((n) => n === 'ACTION')).toHaveLength(0);
    // Every property that carries an address names only the real people.
    expect(lines.filter((l) => /^(ORGANIZER|ATTENDEE)[;:]/.test(l)).every((l) => /:mailto:(ada|bob)@example\.com$/.test(l))).toBe(true);
    // A real parser reads the title back as the one value it is, every break turned into a newline.
    const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('summary')).toBe(smuggle('\n'));
    expect(vevent?.getAllSubcomponents('valarm')).toHaveLength(0);
    expect(vevent?.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual(['mailto:ada@example.com', 'mailto:bob@example.com']);
    expect(vevent?.getFirstPropertyValue('organizer')).toBe('mailto:ada@example.com');
    expect(vevent?.getFirstPropertyValue('location')).toBe('Room 1\nORGANIZER:mailto:evil@attacker.test');
  });

  test('recurrence lines are written only when they validate; smuggled lines are left out and reported', () => {
    const omitted: string[] = [];
    const event = hostileEvent('\n', [
      'rrule:freq=weekly;count=3',
      'RRULE:FREQ=DAILY;COUNT=3\r\nATTENDEE:mailto:evil@attacker.test',
      'EXDATE;TZID="Europe/Berlin":20260317T100000',
      'EXDATE:20260324T090000Z\nBEGIN:VALARM',
      'RDATE;VALUE=DATE:20260401,20260402\u2028X-EVIL:1',
      'X-INJECTED:yes',
      'RRULE:FREQ=DAILY;X-NAME=1',
    ]);
    const text = buildICalendar({ method: 'REQUEST', event, organizer: host, attendees: [host, guest], stamp, onOmittedLine: (line) => omitted.push(line) });
    const lines = contentLines(text);
    expect(lines.filter((l) => /^(RRULE|EXDATE|RDATE)/.test(l))).toEqual(['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;TZID=Europe/Berlin:20260317T100000']);
    expect(omitted).toHaveLength(5);
    expect(names(lines).filter((n) => n === 'ATTENDEE')).toHaveLength(2);
    expect(names(lines).some((n) => n.startsWith('X-'))).toBe(false);
    expect(lines.filter((l) => l === 'BEGIN:VALARM')).toEqual([]);
  });

  test('recurrenceProperty accepts the forms the command side takes and refuses everything else', () => {
    expect(recurrenceProperty('RRULE:FREQ=MONTHLY;BYDAY=-1FR,+2MO;UNTIL=20301231T235959Z;WKST=MO')).toBe('RRULE:FREQ=MONTHLY;BYDAY=-1FR,+2MO;UNTIL=20301231T235959Z;WKST=MO');
    expect(recurrenceProperty(' EXDATE ; VALUE=DATE : 20300101 , 20300108 ')).toBe('EXDATE;VALUE=DATE:20300101,20300108');
    expect(recurrenceProperty('RDATE;TZID=America/Argentina/Buenos_Aires:20300101T090000')).toBe('RDATE;TZID=America/Argentina/Buenos_Aires:20300101T090000');
    for (const bad of ['RRULE:COUNT=3', 'RRULE;X=1:FREQ=DAILY', 'RRULE:FREQ=DAILY\u0000', 'EXDATE;TZID=Europe/Berlin;X-A=B:20300101T090000', 'EXDATE:2030-01-01', 'EXDATE;TZID="a:b":20300101T090000', 'DTSTART:20300101T090000Z', 'no colon']) {
      expect(recurrenceProperty(bad)).toBeUndefined();
    }
  });
});

test('folding keeps every line within 75 octets and never splits a UTF-8 sequence (RFC 5545 §3.1)', () => {
  for (let shift = 0; shift < 4; shift += 1) {
    const line = `DESCRIPTION:${'x'.repeat(shift)}${'😀€ü'.repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    for (const part of parts) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      // A split sequence would not survive a round trip through bytes.
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
      expect(part.includes('\uFFFD')).toBe(false);
    }
    expect(parts.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  }
});

describe('hostile titles and names cannot add e-mail headers (RFC 5322 §2.2)', () => {
  const people = new Map([
    [host.userID, { ...host, timeZone: 'Europe/Berlin' }],
    [guest.userID, { ...guest, timeZone: 'Europe/Berlin' }],
  ]);

  test.each(BREAKS.map((glue) => [JSON.stringify(glue), glue]))('subjects and bodies stay on their lines with %s', async (_label, glue) => {
    const event = { ...hostileEvent(glue), title: `Hi${glue}Bcc: victim@example.com${glue}X-Injected: 1` };
    const invitation = renderEventEmail({ intent: { recipient: guest.userID, kind: 'invitation', method: 'REQUEST' }, event, people, stamp });
    const accepted = { ...event, attendees: { ...event.attendees, [guest.userID]: 'ACCEPTED' as const } };
    const reply = renderEventEmail({ intent: { recipient: host.userID, kind: 'reply', method: 'REPLY', from: guest.userID }, event: accepted, people, stamp });
    const reminder = renderReminderEmail({ event, reader: { ...guest, timeZone: 'Europe/Berlin' }, minutes: 10, late: false });
    for (const mail of [invitation, reply, reminder]) {
      if (!mail) throw new Error('no mail rendered');
      expect(mail.subject).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      expect(mail.text.split('\n')).not.toContain('Bcc: victim@example.com');
      const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const raw = (await composer.sendMail(toNodemailer({ ...mail, from: 'Datebook <calendar@datebook.invalid>', messageId: '<1@datebook>' }))).message as Buffer;
      const head = raw.toString('utf8').split('\r\n\r\n')[0] ?? '';
      expect(head).not.toMatch(/^(Bcc|X-Injected):/im);
      const parsed = await simpleParser(raw);
      expect(parsed.bcc).toBeUndefined();
      expect(parsed.headers.has('x-injected')).toBe(false);
      expect(parsed.subject).toContain('Hi Bcc: victim@example.com X-Injected: 1');
    }
  });
});
