import { addressRecipientID } from '../calendars/addressRecipientID';
import type { EventState } from '../calendarEvents/eventState';
import { externalRecipients } from '../calendarEvents/externalAttendees';
import { scheduledState } from '../calendarEvents/testEvents';
import { describeWhen, pushPayloadFor, renderEventEmail, renderReminderEmail } from './emailContent';

const HOST = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const event: EventState = scheduledState(
  { eventID: '10000000-0000-4000-8000-000000000000', hostID: HOST, title: 'Q1 <budget> & plans', description: 'Bring numbers', startTime: '2026-03-10T09:00:00.000Z', endTime: '2026-03-10T10:30:00.000Z', timeZone: 'Europe/Berlin' },
  { attendees: { [ANN]: 'DECLINED' }, sequence: 2 },
);
const people = new Map([
  [HOST, { userID: HOST, name: 'Ada', email: 'ada@example.com', timeZone: 'Europe/Berlin' }],
  [ANN, { userID: ANN, name: 'Ann', email: 'ann@example.com', timeZone: 'America/New_York' }],
]);
const stamp = new Date('2026-03-01T00:00:00Z');

test("times are shown in the reader's own zone", () => {
  expect(describeWhen(event, 'Europe/Berlin')).toMatch(/10:00.*11:30 \(Europe\/Berlin\)$/);
  expect(describeWhen(event, 'America/New_York')).toMatch(/05:00.*06:30 \(America\/New_York\)$/);
});

test('an invitation is addressed to the guest, answers go to the organizer, HTML is escaped', () => {
  const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'invitation', method: 'REQUEST' }, event, people, stamp });
  expect(mail).toMatchObject({ to: 'ann@example.com', replyTo: 'ada@example.com', calendar: { method: 'REQUEST' } });
  expect(mail?.subject).toMatch(/^Invitation: Q1 <budget> & plans @ .*05:00/);
  expect(mail?.html).toContain('<h2>Q1 &lt;budget&gt; &amp; plans</h2>');
  expect(mail?.text).toContain('Details: Bring numbers');
});

test('a reply names the answer and who gave it; an unknown recipient gets nothing', () => {
  const reply = renderEventEmail({ intent: { recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN }, event, people, stamp });
  expect(reply?.subject).toMatch(/^Declined: .*\(Ann\)$/);
  expect(reply?.calendar?.content).toContain('PARTSTAT=DECLINED');
  expect(reply?.calendar?.content.replace(/\r\n /g, '').match(/^ATTENDEE/gm)).toHaveLength(1);
  expect(renderEventEmail({ intent: { recipient: '00000000-0000-4000-8000-00000000000f', kind: 'update', method: 'REQUEST' }, event, people, stamp })).toBeUndefined();
});

test('a removed guest is told so; a cancelled event is called cancelled', () => {
  const removed = renderEventEmail({ intent: { recipient: ANN, kind: 'cancellation', method: 'CANCEL' }, event, people, stamp });
  expect(removed?.subject).toMatch(/^Removed from event: /);
  const cancelled = renderEventEmail({ intent: { recipient: ANN, kind: 'cancellation', method: 'CANCEL' }, event: { ...event, status: 'cancelled' }, people, stamp });
  expect(cancelled?.subject).toMatch(/^Cancelled event: /);
  expect(cancelled?.calendar?.content).toContain('STATUS:CANCELLED');
});

test('reminder subjects start with "Reminder:" and say when they are late; pushes carry no address', () => {
  const reader = people.get(ANN);
  if (!reader) throw new Error('fixture');
  expect(renderReminderEmail({ event, reader, minutes: 10, late: false }).subject).toMatch(/^Reminder: Q1 <budget> & plans @ [^(]*\(America\/New_York\)$/);
  expect(renderReminderEmail({ event, reader, minutes: 10, late: true }).subject).toMatch(/^Reminder: .*\(late\)$/);
  expect(JSON.stringify(pushPayloadFor('invitation', event, reader))).not.toContain('@');
});

describe('all-day events are described by their dates, the same in every zone, end inclusive', () => {
  const holiday = scheduledState({ eventID: '20000000-0000-4000-8000-000000000000', hostID: HOST, title: 'Company holiday', startTime: '2030-11-11T00:00:00.000Z', endTime: '2030-11-12T00:00:00.000Z' });
  const oneDay: EventState = { ...holiday, allDay: true, startDate: '2030-11-11', endDate: '2030-11-12' };
  const twoDays: EventState = { ...holiday, allDay: true, startTime: '2030-10-01T00:00:00.000Z', endTime: '2030-10-03T00:00:00.000Z', startDate: '2030-10-01', endDate: '2030-10-03' };

  test.each(['America/Los_Angeles', 'UTC', 'Pacific/Kiritimati'])('read in %s', (zone) => {
    expect(describeWhen(oneDay, zone)).toBe('Mon, 11 Nov 2030');
    expect(describeWhen(twoDays, zone)).toBe('Tue, 1 Oct 2030 – Wed, 2 Oct 2030');
  });

  test('in subjects and bodies', () => {
    const inLosAngeles = new Map([...people, [ANN, { userID: ANN, name: 'Ann', email: 'ann@example.com', timeZone: 'America/Los_Angeles' }]]);
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'invitation', method: 'REQUEST' }, event: { ...oneDay, attendees: { ...oneDay.attendees, [ANN]: 'PENDING' } }, people: inLosAngeles, stamp });
    expect(mail?.subject).toBe('Invitation: Company holiday @ Mon, 11 Nov 2030');
    expect(mail?.text).toContain('When: Mon, 11 Nov 2030\n');
    expect(mail?.calendar?.content).toContain('DTSTART;VALUE=DATE:20301111');
  });
});

describe('one occurrence of a series', () => {
  const standUp = scheduledState(
    { eventID: '30000000-0000-4000-8000-000000000000', hostID: HOST, title: 'Stand-up', startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:15:00.000Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] },
    { attendees: { [ANN]: 'ACCEPTED' }, sequence: 5 },
  );
  const originalStart = '2030-03-25T08:00:00.000Z';

  test('a cancelled occurrence is a CANCEL for it whose subject names its day', () => {
    const event: EventState = { ...standUp, exceptions: { [originalStart]: { cancelled: true } } };
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'cancellation', method: 'CANCEL', occurrence: originalStart }, event, people, stamp });
    expect(mail?.subject).toBe('Cancelled: Stand-up on Mon, 25 Mar 2030');
    expect(mail?.calendar?.method).toBe('CANCEL');
    expect(mail?.calendar?.content).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20300325T090000');
    expect(mail?.calendar?.content).toContain('STATUS:CANCELLED');
    expect(mail?.calendar?.content).not.toMatch(/^(RRULE|EXDATE)/m);
    expect(mail?.text).toContain('When: Mon, 25 Mar 2030, 04:00–04:15 (America/New_York)');
  });

  test('a changed occurrence is a REQUEST for it, showing its new time', () => {
    const event: EventState = {
      ...standUp,
      exceptions: { [originalStart]: { cancelled: false, startTime: '2030-03-25T10:00:00.000Z', endTime: '2030-03-25T10:15:00.000Z', startDate: null, endDate: null, title: 'Stand-up', description: null, location: 'Room 9' } },
    };
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'update', method: 'REQUEST', occurrence: originalStart }, event, people, stamp });
    expect(mail?.subject).toMatch(/^Updated invitation: Stand-up on Mon, 25 Mar 2030, now @ .*06:00/);
    expect(mail?.text).toContain('Where: Room 9');
    expect(mail?.calendar?.content).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20300325T090000');
    expect(mail?.calendar?.content).toContain('DTSTART:20300325T100000Z');
    expect(mail?.calendar?.content).not.toMatch(/^RRULE/m);
  });
});

describe('guestsCanSeeOtherGuests', () => {
  const BEN = '00000000-0000-4000-8000-000000000003';
  const withBen = new Map([...people, [BEN, { userID: BEN, name: 'Ben', email: 'ben@example.com', timeZone: 'Europe/Berlin' }]]);
  const party = (guestsCanSeeOtherGuests: boolean): EventState => ({ ...event, guestsCanSeeOtherGuests, attendees: { ...event.attendees, [ANN]: 'PENDING', [BEN]: 'PENDING' } });
  const everything = (mail: ReturnType<typeof renderEventEmail>) => `${mail?.subject}\n${mail?.text}\n${mail?.html}\n${mail?.calendar?.content.replace(/\r\n /g, '')}`;

  test.each([
    ['invitation', 'REQUEST'],
    ['update', 'REQUEST'],
  ] as const)('a guest is told of the organizer and themselves only (%s)', (kind, method) => {
    const mail = renderEventEmail({ intent: { recipient: ANN, kind, method }, event: party(false), people: withBen, stamp });
    expect(everything(mail)).not.toContain('ben@example.com');
    expect(mail?.text).toContain('Guests: Ada <ada@example.com> (organizer), Ann <ann@example.com>');
    expect(mail?.calendar?.content.match(/^ATTENDEE/gm)).toHaveLength(2);
  });

  test('a cancellation to a guest lists no other guest either', () => {
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'cancellation', method: 'CANCEL' }, event: { ...party(false), status: 'cancelled' }, people: withBen, stamp });
    expect(everything(mail)).not.toContain('ben@example.com');
  });

  test('when guests may see each other, and for the organizer always, everyone is listed', () => {
    const open = renderEventEmail({ intent: { recipient: ANN, kind: 'invitation', method: 'REQUEST' }, event: party(true), people: withBen, stamp });
    expect(open?.text).toContain('Ben <ben@example.com>');
    expect(open?.html).toContain('Ben &lt;ben@example.com&gt;');
    expect(open?.calendar?.content).toContain('mailto:ben@example.com');
    const toOrganizer = renderEventEmail({ intent: { recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN }, event: party(false), people: withBen, stamp });
    expect(toOrganizer?.subject).toMatch(/\(Ann\)$/);
  });
});

test('a guest invited by address is mailed at it, listed by it, and asked to answer in their own calendar', () => {
  const withDan: EventState = { ...event, externalAttendees: { 'dan@example.com': { rsvpStatus: 'PENDING', optional: true } } };
  const everyone = new Map([...people, ...externalRecipients([], undefined, withDan)]);
  const dan = addressRecipientID('dan@example.com');
  const mail = renderEventEmail({ intent: { recipient: dan, kind: 'invitation', method: 'REQUEST' }, event: withDan, people: everyone, stamp });
  expect(mail).toMatchObject({ to: 'dan@example.com', replyTo: 'ada@example.com', calendar: { method: 'REQUEST' } });
  expect(mail?.subject).toMatch(/^Invitation: Q1 <budget> & plans @ .*10:00.*\(Europe\/Berlin\)$/);
  expect(mail?.text).toContain('Guests: Ada <ada@example.com> (organizer), Ann <ann@example.com>, dan@example.com (optional)');
  expect(mail?.text).toContain('Answer in your calendar; your answer goes to the organizer.');
  const calendar = mail?.calendar?.content.replace(/\r\n /g, '') ?? '';
  expect(calendar).toContain('ATTENDEE;CN=dan@example.com;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dan@example.com');
  // With the guest list hidden, Ann does not learn Dan's address, nor Dan hers.
  const hidden: EventState = { ...withDan, guestsCanSeeOtherGuests: false };
  const toAnn = renderEventEmail({ intent: { recipient: ANN, kind: 'update', method: 'REQUEST' }, event: hidden, people: everyone, stamp });
  expect(toAnn?.calendar?.content).not.toContain('dan@example.com');
  const toDan = renderEventEmail({ intent: { recipient: dan, kind: 'update', method: 'REQUEST' }, event: hidden, people: everyone, stamp });
  expect(toDan?.calendar?.content).not.toContain('ann@example.com');
  expect(toDan?.calendar?.content).toContain('mailto:dan@example.com');
});
