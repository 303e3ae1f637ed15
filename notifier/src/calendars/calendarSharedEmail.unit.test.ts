import { addressRecipientID } from './addressRecipientID';
import { renderCalendarSharedEmail } from './calendarSharedEmail';

const shared = {
  to: 'bob@example.com',
  sharer: { name: 'Ann', email: 'ann@example.com' },
  calendarName: 'Family',
  role: 'reader' as const,
  link: 'https://datebook.example/calendars/c1',
  toAddressWithoutAccount: false,
};

describe('the "calendar shared" e-mail', () => {
  it('names the sharer, the calendar, what the role allows, and links to the calendar', () => {
    const mail = renderCalendarSharedEmail(shared);
    expect(mail.subject).toBe('Ann shared the calendar “Family” with you');
    expect(mail.to).toBe('bob@example.com');
    expect(mail.replyTo).toBe('ann@example.com');
    expect(mail.text).toContain('You can now see all event details.');
    expect(mail.text).toContain('\n\nhttps://datebook.example/calendars/c1\n\n');
    expect(mail.html).toContain('<a href="https://datebook.example/calendars/c1">');
    expect(mail.text).not.toMatch(/sign up/i);
  });

  it.each([
    ['freeBusyReader', 'see when it is busy (free/busy only, not the event details)'],
    ['reader', 'see all event details'],
    ['writer', 'see all event details and make changes to events'],
    ['owner', 'make changes to events and manage sharing'],
  ] as const)('says in plain words what %s allows', (role, words) => {
    expect(renderCalendarSharedEmail({ ...shared, role }).text).toContain(`You can now ${words}.`);
  });

  it('tells an address with no account to sign up with it', () => {
    const mail = renderCalendarSharedEmail({ ...shared, to: 'cyd@example.com', toAddressWithoutAccount: true });
    expect(mail.text).toContain('Sign up with this address (cyd@example.com) to see the calendar');
  });

  it('keeps the sharer’s words on one line in the subject and escapes them in the HTML', () => {
    const mail = renderCalendarSharedEmail({ ...shared, sharer: { name: 'Ann\r\nBcc: x@evil.example', email: 'ann@example.com' }, calendarName: '<b>Family</b>\u2028Bcc: y@evil.example' });
    expect(mail.subject).toBe('Ann Bcc: x@evil.example shared the calendar “<b>Family</b> Bcc: y@evil.example” with you');
    expect(mail.subject).not.toMatch(/[\r\n\u2028]/);
    expect(mail.html).toContain('&lt;b&gt;Family&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Family');
  });

  it('names a sharer without a usable name by their address', () => {
    expect(renderCalendarSharedEmail({ ...shared, sharer: { name: '\n', email: 'ann@example.com' } }).subject).toBe('ann@example.com shared the calendar “Family” with you');
  });
});

describe('the ledger recipient of an address', () => {
  it('is a version 5 UUID, the same for the same address in any case, different for another', () => {
    const id = addressRecipientID('Cyd@Example.com');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(addressRecipientID(' cyd@example.com')).toBe(id);
    expect(addressRecipientID('dee@example.com')).not.toBe(id);
  });
});
