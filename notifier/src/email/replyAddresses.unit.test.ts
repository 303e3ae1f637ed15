import { replyAddresses } from '@datebook/shared-kernel';
import { addressRecipientID } from '../calendars/addressRecipientID';
import type { EventState } from '../calendarEvents/eventState';
import { scheduledState } from '../calendarEvents/testEvents';
import { renderEventEmail } from './emailContent';

const HOST = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const DAN = 'dan@example.com';
const DAN_ID = addressRecipientID(DAN);
const eventID = '10000000-0000-4000-8000-000000000000';
const codec = replyAddresses({ secret: 'a secret of at least thirty-two bytes, for tests only', domain: 'inbound.example.test' });
const base = scheduledState({ eventID, hostID: HOST, title: 'Planning', startTime: '2030-06-04T08:00:00.000Z', endTime: '2030-06-04T09:00:00.000Z', timeZone: 'Europe/Berlin' }, { attendees: { [ANN]: 'PENDING' }, sequence: 4 });
const event: EventState = { ...base, externalAttendees: { [DAN]: { rsvpStatus: 'TENTATIVE', optional: false } } };
const people = new Map([
  [HOST, { userID: HOST, name: 'Ada Lovelace', email: 'ada@example.com', timeZone: 'Europe/Berlin' }],
  [ANN, { userID: ANN, name: 'Ann', email: 'ann@example.com', timeZone: 'Europe/Berlin' }],
  [DAN_ID, { userID: DAN_ID, name: DAN, email: DAN, timeZone: 'Europe/Berlin', external: true }],
]);
const stamp = new Date('2030-06-01T00:00:00Z');
const unfolded = (text: string | undefined) => (text ?? '').replace(/\r\n[ \t]/g, '');

describe('with inbound mail on, guests answer to their own reply address (RFC 6047)', () => {
  it('an invitation names the guest’s reply address as ORGANIZER (the host’s name kept) and Reply-To, with the event’s UID and SEQUENCE', () => {
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'invitation', method: 'REQUEST' }, event, people, stamp, replyAddresses: codec });
    const address = codec.addressFor(eventID, 'ann@example.com');
    expect(mail?.replyTo).toBe(address);
    const calendar = unfolded(mail?.calendar?.content);
    expect(calendar).toContain(`ORGANIZER;CN=Ada Lovelace:mailto:${address}\r\n`);
    expect(calendar).toContain(`UID:${eventID}@datebook\r\n`);
    expect(calendar).toContain('SEQUENCE:4\r\n');
    // The host is still listed by their own address among the attendees.
    expect(calendar).toMatch(/ATTENDEE;CN=Ada Lovelace;[^\r\n]*ROLE=CHAIR[^\r\n]*:mailto:ada@example\.com\r\n/);
  });

  it('each guest gets an address of their own; a guest invited by address too, and sees their answer', () => {
    const toDan = renderEventEmail({ intent: { recipient: DAN_ID, kind: 'update', method: 'REQUEST' }, event, people, stamp, replyAddresses: codec });
    expect(toDan?.replyTo).toBe(codec.addressFor(eventID, DAN));
    expect(toDan?.replyTo).not.toBe(codec.addressFor(eventID, 'ann@example.com'));
    expect(unfolded(toDan?.calendar?.content)).toMatch(/ATTENDEE;CN=dan@example\.com;[^\r\n]*PARTSTAT=TENTATIVE[^\r\n]*:mailto:dan@example\.com\r\n/);
  });

  it('a cancellation names the same ORGANIZER as the invitation (clients match it to the event they hold)', () => {
    const cancelled = renderEventEmail({ intent: { recipient: ANN, kind: 'cancellation', method: 'CANCEL' }, event: { ...event, status: 'cancelled' }, people, stamp, replyAddresses: codec });
    expect(unfolded(cancelled?.calendar?.content)).toContain(`ORGANIZER;CN=Ada Lovelace:mailto:${codec.addressFor(eventID, 'ann@example.com')}\r\n`);
  });

  it('the answer the host is told of names the host at their own address, and a guest invited by address with their answer', () => {
    const reply = renderEventEmail({ intent: { recipient: HOST, kind: 'reply', method: 'REPLY', from: DAN_ID }, event, people, stamp, replyAddresses: codec });
    expect(reply?.subject).toMatch(/^Tentatively accepted: Planning/);
    expect(reply?.replyTo).toBe(DAN);
    const calendar = unfolded(reply?.calendar?.content);
    expect(calendar).toContain('ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n');
    expect(calendar).toMatch(/ATTENDEE;[^\r\n]*PARTSTAT=TENTATIVE[^\r\n]*:mailto:dan@example\.com\r\n/);
  });

  it('without it, invitations name the host’s own address as before', () => {
    const mail = renderEventEmail({ intent: { recipient: ANN, kind: 'invitation', method: 'REQUEST' }, event, people, stamp });
    expect(mail?.replyTo).toBe('ada@example.com');
    expect(unfolded(mail?.calendar?.content)).toContain('ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n');
  });
});
