import type { MailTransport } from '../email/mailTransport';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';

const inThreeDays = () => new Date(Math.ceil((Date.now() + 3 * 24 * 3_600_000) / 60_000) * 60_000);

describe('exactly once, nothing lost', () => {
  let h: NotifierHarness;
  beforeEach(async () => {
    h = await startNotifierHarness({ database: 'postgres', rejectRecipients: /^nobody\./ });
  });
  afterEach(async () => {
    await h.close();
  });

  test('events delivered again from the start of the log send nothing twice', async () => {
    await h.startNotifier();
    const host = await h.registerUser('Ada');
    const guests = [await h.registerUser('Ann'), await h.registerUser('Ben'), await h.registerUser('Cy')];
    const eventID = await h.scheduleEvent(host, { start: inThreeDays(), invite: guests });
    await h.sink.waitForCount(3);
    await h.stopNotifier();
    // Forget where the consumer group was: every event of the log is delivered again.
    await h.db.query(`delete from consumer_checkpoints where consumer_group = 'notifier'`);
    await h.startNotifier();
    await h.append(h.calendarEvent(eventID), 'InvitationDeclined', { eventID, userID: guests[0]?.userID }, guests[0]?.userID ?? '');
    await h.sink.waitForCount(4);
    // Every event of the log handled again and nothing left to send: only then can "nothing twice" be told.
    await h.settled();
    expect(h.sink.received()).toHaveLength(4);
    expect((await h.ledger(eventID)).map((e) => e.kind.split('@')[0])).toEqual(['invitation', 'invitation', 'invitation', 'reply']);
  });

  test('a notifier that dies between recording and sending: the next one sends each message once', async () => {
    const frozen: MailTransport = { send: () => new Promise(() => undefined), close: async () => undefined };
    await h.startNotifier({ mail: frozen });
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const eventID = await h.scheduleEvent(host, { start: inThreeDays(), invite: [ann] });
    // Recorded and claimed, the send hanging: then the process goes away.
    await h.eventually(() => h.ledger(eventID), (rows) => rows.length === 1 && rows[0]?.attempts === 1);
    await h.stopNotifier();
    expect(h.sink.received()).toHaveLength(0);

    await h.startNotifier();
    const [mail, ...more] = await h.sink.waitForCount(1, 10_000);
    expect(mail?.to).toEqual([ann.email]);
    expect(more).toHaveLength(0);
    await h.settled();
    expect(h.sink.received()).toHaveLength(1);
    const [entry] = await h.eventually(() => h.ledger(eventID), (rows) => rows[0]?.status === 'sent');
    expect(entry?.attempts).toBe(2);
  });

  test('while the SMTP server is down nothing is lost: sent once when it is back; a 5xx address fails for good', async () => {
    await h.startNotifier();
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const nobody = await h.registerUser('Nobody');
    await h.sink.stop();
    const eventID = await h.scheduleEvent(host, { start: inThreeDays(), invite: [ann, nobody] });
    const failing = await h.eventually(() => h.ledger(eventID), (rows) => rows.length === 2 && rows.every((r) => r.attempts >= 2));
    expect(failing.every((r) => r.status === 'pending' && r.last_error !== null)).toBe(true);

    await h.sink.start();
    const [mail] = await h.sink.waitForCount(1);
    expect(mail?.to).toEqual([ann.email]);
    const settled = await h.eventually(() => h.ledger(eventID), (rows) => rows.every((r) => r.status !== 'pending'));
    const byRecipient = Object.fromEntries(settled.map((r) => [r.recipient, r]));
    expect(byRecipient[ann.userID]?.status).toBe('sent');
    expect(byRecipient[nobody.userID]?.status).toBe('failed');
    expect(byRecipient[nobody.userID]?.last_error).toMatch(/550|mailbox/);
    const attempts = byRecipient[nobody.userID]?.attempts;
    // A positive marker that the sender has polled since the failure: a later invitation has gone out.
    const sid = await h.registerUser('Sid');
    const later = await h.scheduleEvent(host, { start: inThreeDays(), invite: [sid] });
    await h.eventually(() => h.ledger(later), (rows) => rows.length === 1 && rows[0]?.status === 'sent');
    await h.settled();
    expect((await h.ledger(eventID)).find((r) => r.recipient === nobody.userID)?.attempts).toBe(attempts);
    expect(h.sink.received().map((m) => m.to)).toEqual([[ann.email], [sid.email]]);
  });
});
