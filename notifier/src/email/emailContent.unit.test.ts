import type { EventState } from '../calendarEvents/eventState';
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
