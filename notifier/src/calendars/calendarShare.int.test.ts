import { randomUUID } from 'node:crypto';
import { calendarStreamName, ruleIDOf } from '@datebook/shared-kernel';
import type { ParsedMail } from 'mailparser';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { UNVERIFIED_ADDRESS } from '../users/unverifiedAddresses';
import { addressRecipientID } from './addressRecipientID';
import { SHARER_UNVERIFIED } from './calendarShareReactor';

const mailTo = (mails: ParsedMail[], address: string) => mails.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text === address);

/** The notifier tells whoever is given access to a calendar, once, by e-mail: grants only, never "everyone". */
describe('calendar shared e-mails', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ options: { publicUrl: 'https://datebook.example/' } });
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  async function createCalendar(owner: { userID: string }, summary: string): Promise<string> {
    const calendarID = randomUUID();
    await h.append(calendarStreamName(calendarID), 'CalendarCreated', { calendarID, ownerID: owner.userID, primary: false, summary, description: null, timeZone: 'Europe/Berlin' }, owner.userID);
    return calendarID;
  }

  type Scope = { type: 'user'; userID: string } | { type: 'email'; email: string } | { type: 'default' };
  const grant = (calendarID: string, by: { userID: string }, scope: Scope, role: string) =>
    h.append(calendarStreamName(calendarID), 'AccessGranted', { calendarID, ruleID: ruleIDOf(scope), scope, role, grantedBy: by.userID }, by.userID);

  it('mails the grantee once, naming the calendar as it was shared, the sharer, the role and the link, even when the log is delivered again', async () => {
    const ann = await h.registerUser('Ann');
    const bob = await h.registerUser('Bob');
    const calendarID = await createCalendar(ann, 'Family');
    // Shared and renamed before the notifier sees either: the message names the calendar as it was when shared.
    await h.stopNotifier();
    await grant(calendarID, ann, { type: 'user', userID: bob.userID }, 'writer');
    await h.append(calendarStreamName(calendarID), 'CalendarDetailsChanged', { calendarID, summary: 'Renamed later', description: null, changedBy: ann.userID }, ann.userID);
    await h.startNotifier();
    await h.settled();

    const [mail, ...more] = mailTo(await h.sink.parsedAll(), bob.email);
    expect(more).toHaveLength(0);
    expect(mail?.subject).toBe('Ann shared the calendar “Family” with you');
    expect(mail?.text).toContain('You can now see all event details and make changes to events.');
    expect(mail?.text).toContain(`https://datebook.example/calendars/${calendarID}`);
    expect(mail?.html).toContain(`href="https://datebook.example/calendars/${calendarID}"`);
    expect(mail?.headers.get('x-datebook-notification')).toBe('calendar-shared@2');
    expect(mail?.text).not.toMatch(/sign up/i);
    expect(await h.ledger(calendarID)).toMatchObject([{ recipient: bob.userID, channel: 'email', kind: 'calendar-shared@2', status: 'sent' }]);

    // The same grant delivered again: the consumer group forgets where it was, so every event comes again.
    const before = h.sink.received().length;
    await h.stopNotifier();
    await h.db.query(`delete from consumer_checkpoints where consumer_group = 'notifier'`);
    await h.startNotifier();
    await h.settled();
    expect(h.sink.received()).toHaveLength(before);
    expect(mailTo(await h.sink.parsedAll(), bob.email)).toHaveLength(1);
    expect(await h.ledger(calendarID)).toHaveLength(1);
  });

  it('mails an address with no account, telling them to sign up with it', async () => {
    const ann = await h.registerUser('Ann');
    const cyd = `cyd.${randomUUID().slice(0, 8)}@example.com`;
    const calendarID = await createCalendar(ann, 'Book club');
    await grant(calendarID, ann, { type: 'email', email: cyd }, 'freeBusyReader');
    await h.settled();

    const [mail, ...more] = mailTo(await h.sink.parsedAll(), cyd);
    expect(more).toHaveLength(0);
    expect(mail?.subject).toBe('Ann shared the calendar “Book club” with you');
    expect(mail?.text).toContain('You can now see when it is busy (free/busy only, not the event details).');
    expect(mail?.text).toContain(`Sign up with this address (${cyd}) to see the calendar`);
    expect(mail?.text).toContain(`https://datebook.example/calendars/${calendarID}`);
    expect(await h.ledger(calendarID)).toMatchObject([{ recipient: addressRecipientID(cyd), kind: 'calendar-shared@2', status: 'sent' }]);
  });

  it('mails nobody for a rule for everyone, a changed role or a revoked access', async () => {
    const ann = await h.registerUser('Ann');
    const dee = await h.registerUser('Dee');
    const calendarID = await createCalendar(ann, 'Team');
    await grant(calendarID, ann, { type: 'default' }, 'reader');
    await h.settled();
    expect(await h.ledger(calendarID)).toEqual([]);

    await grant(calendarID, ann, { type: 'user', userID: dee.userID }, 'reader');
    await h.settled();
    expect(mailTo(await h.sink.parsedAll(), dee.email)).toHaveLength(1);
    const before = h.sink.received().length;
    const ruleID = ruleIDOf({ type: 'user', userID: dee.userID });
    await h.append(calendarStreamName(calendarID), 'AccessChanged', { calendarID, ruleID, role: 'writer', changedBy: ann.userID }, ann.userID);
    await h.append(calendarStreamName(calendarID), 'AccessRevoked', { calendarID, ruleID, revokedBy: ann.userID }, ann.userID);
    await h.append(calendarStreamName(calendarID), 'AccessRevoked', { calendarID, ruleID: 'default', revokedBy: ann.userID }, ann.userID);
    await h.settled();
    expect(h.sink.received()).toHaveLength(before);
    expect((await h.ledger(calendarID)).map((r) => r.kind)).toEqual(['calendar-shared@3']);
  });

  it('records without mailing a share with an unconfirmed account, and a share with an address by someone who never confirmed their own', async () => {
    const ann = await h.registerUser('Ann');
    const vic = await h.registerUser('Vic', { verified: false });
    const sam = await h.registerUser('Sam', { verified: false });
    const stranger = `stranger.${randomUUID().slice(0, 8)}@example.com`;
    const annsCalendar = await createCalendar(ann, 'Family');
    const samsCalendar = await createCalendar(sam, 'Offers');
    const before = h.sink.received().length;
    await grant(annsCalendar, ann, { type: 'user', userID: vic.userID }, 'reader');
    await grant(samsCalendar, sam, { type: 'email', email: stranger }, 'reader');
    await h.settled();
    expect(await h.ledger(annsCalendar)).toMatchObject([{ recipient: vic.userID, status: 'skipped', last_error: UNVERIFIED_ADDRESS }]);
    expect(await h.ledger(samsCalendar)).toMatchObject([{ recipient: addressRecipientID(stranger), status: 'skipped', last_error: SHARER_UNVERIFIED }]);
    expect(h.sink.received()).toHaveLength(before);
  });
});
