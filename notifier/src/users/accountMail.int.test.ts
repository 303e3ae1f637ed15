import { randomUUID } from 'node:crypto';
import { streamName } from '@datebook/shared-kernel';
import type { ParsedMail } from 'mailparser';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { UNVERIFIED_ADDRESS } from './unverifiedAddresses';

const mailTo = (mails: ParsedMail[], address: string) => mails.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text === address);

/** Item 7: an address nobody confirmed gets account mail only; invitations, updates and reminders to it are recorded as skipped. */
describe('mail to unverified addresses', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ options: { publicUrl: 'https://datebook.example' } });
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  it('mails the verification link, skips an invitation and a reminder to the unverified address, and mails them once it is verified', async () => {
    const host = await h.registerUser('Host');
    const guest = await h.registerUser('Guest');
    const vera = await h.registerUser('Vera', { verified: false });
    const requestID = randomUUID();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await h.append(streamName('User', vera.userID), 'EmailVerificationRequested', { userID: vera.userID, email: vera.email, requestID, requestedAt: new Date().toISOString(), expiresAt }, vera.userID);
    await h.sink.waitForCount(1);
    const [verification] = mailTo(await h.sink.parsedAll(), vera.email);
    expect(verification?.subject).toBe('Confirm your e-mail address for Datebook');
    expect(verification?.text).not.toContain('Vera');
    const token = /https:\/\/datebook\.example\/users\/verify-email\/([\w.-]+)/.exec(verification?.text ?? '')?.[1] ?? '';
    expect(h.tokens.verifyLink('verify-email', token, new Date())).toEqual({ userID: vera.userID, requestID });

    const eventID = await h.scheduleEvent(host, { start: new Date(Date.now() + 60 * 60_000), invite: [guest, vera] });
    await h.eventually(() => h.ledger(eventID), (rows) => rows.filter((r) => r.kind.startsWith('invitation')).length >= 2);
    // Both accept (only attendees who take part are reminded); their default reminders (10 minutes before) fall due.
    for (const who of [guest, vera]) await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: who.userID }, who.userID);
    await h.eventually(() => h.ledger(eventID), (rows) => rows.filter((r) => r.kind.startsWith('reply')).length >= 2);
    h.advanceClock(51 * 60_000);
    const ledger = await h.eventually(() => h.ledger(eventID), (rows) => rows.filter((r) => r.kind.startsWith('reminder')).length >= 3, 15_000);
    const emails = (recipient: string) => ledger.filter((r) => r.channel === 'email' && r.recipient === recipient);
    expect(emails(vera.userID).map((r) => [r.kind.replace(/@.*/, ''), r.status, r.last_error])).toEqual([
      ['invitation', 'skipped', UNVERIFIED_ADDRESS],
      ['reminder-10m', 'skipped', UNVERIFIED_ADDRESS],
    ]);
    const settledLedger = await h.eventually(async () => h.ledger(eventID), (rows) => rows.every((r) => r.status !== 'pending'));
    expect(settledLedger.filter((r) => r.channel === 'email' && r.recipient === guest.userID).map((r) => [r.kind.replace(/@.*/, ''), r.status]))
      .toEqual([['invitation', 'sent'], ['reminder-10m', 'sent']]);
    expect(mailTo(await h.sink.parsedAll(), vera.email)).toHaveLength(1);

    await h.append(streamName('User', vera.userID), 'EmailVerified', { userID: vera.userID, email: vera.email }, vera.userID);
    await h.append(h.calendarEvent(eventID), 'CalendarEventDetailsChanged', { eventID, title: 'Planning (moved)', description: 'Agenda: budget', location: 'Room 2' }, host.userID);
    // Verified now: the update is mailed to her (a second message in the sink), not skipped.
    const updateTo = (rows: Awaited<ReturnType<typeof h.ledger>>) => rows.find((r) => r.recipient === vera.userID && r.kind.startsWith('update') && r.channel === 'email');
    const updated = await h.eventually(() => h.ledger(eventID), (rows) => updateTo(rows)?.status === 'sent' || updateTo(rows)?.status === 'skipped', 15_000);
    expect(updateTo(updated)?.status).toBe('sent');
    expect(mailTo(await h.sink.parsedAll(), vera.email)).toHaveLength(2);
  });
});
