import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { SENDER_RATE_LIMITED } from './senderMailLimit';

const HOUR = 3_600_000;

describe('e-mails per sender are limited per hour and per day', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ database: 'postgres', options: { mailPerSenderPerHour: 3, mailPerSenderPerDay: 5 } });
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  const inAMonth = () => new Date(Math.ceil((Date.now() + 30 * 24 * HOUR) / 60_000) * 60_000);
  const settled = (eventID: string, count: number) =>
    h.eventually(() => h.ledger(eventID), (rows) => rows.filter((r) => r.channel === 'email').length === count && rows.every((r) => r.status !== 'pending'));
  const outcome = (rows: { channel: string; status: string; last_error: string | null }[]) =>
    rows.filter((r) => r.channel === 'email').map((r) => (r.status === 'skipped' ? r.last_error : r.status));

  test('over the limit, e-mails are recorded as skipped (SENDER_RATE_LIMITED), never sent; the counts survive a restart', async () => {
    const host = await h.registerUser('Ada');
    const guests = await Promise.all(['Ann', 'Ben', 'Cyd', 'Dan', 'Eve', 'Fay', 'Gus'].map((name) => h.registerUser(name)));
    const [ann, ben, cyd, dan, eve, fay, gus] = guests;
    if (!ann || !ben || !cyd || !dan || !eve || !fay || !gus) throw new Error('fixture');

    // Four invitations within the hour: the fourth is over the hourly limit of 3.
    const first = await h.scheduleEvent(host, { start: inAMonth(), invite: [ann, ben, cyd, dan] });
    expect(outcome(await settled(first, 4))).toEqual(['sent', 'sent', 'sent', SENDER_RATE_LIMITED]);

    // A guest's answer mails the host on the guest's account, not the host's.
    await h.append(h.calendarEvent(first), 'InvitationAccepted', { eventID: first, userID: ann.userID }, ann.userID);
    const withReply = await settled(first, 5);
    expect(withReply.find((r) => r.kind.startsWith('reply'))?.status).toBe('sent');

    // An hour later the hourly window is empty again, but the day allows only 5 − 3 = 2 more.
    h.advanceClock(HOUR + 60_000);
    const second = await h.scheduleEvent(host, { start: inAMonth(), invite: [eve, fay, gus] });
    expect(outcome(await settled(second, 3))).toEqual(['sent', 'sent', SENDER_RATE_LIMITED]);

    // The counts come from the ledger: a restarted notifier still knows the day is spent.
    await h.stopNotifier();
    h.advanceClock(HOUR + 60_000);
    await h.startNotifier();
    const third = await h.scheduleEvent(host, { start: inAMonth(), invite: [ben] });
    expect(outcome(await settled(third, 1))).toEqual([SENDER_RATE_LIMITED]);

    // A day after the first mails, the host may send again.
    h.advanceClock(24 * HOUR);
    const fourth = await h.scheduleEvent(host, { start: inAMonth(), invite: [cyd] });
    expect(outcome(await settled(fourth, 1))).toEqual(['sent']);

    // Exactly the e-mails not skipped reached the server, each once.
    await h.sink.waitForCount(3 + 1 + 2 + 1);
    // Every event handled and nothing left to send: no eighth e-mail can still be on its way.
    await h.settled();
    expect(h.sink.received()).toHaveLength(7);
    const listed = await h.http().get(`/events/${first}/notifications`).set(host.auth);
    expect(listed.body.notifications.filter((n: { status: string; lastError: string }) => n.status === 'skipped' && n.lastError === SENDER_RATE_LIMITED)).toHaveLength(1);
  });

  test('e-mails that are not sent for another reason (an unverified address) spend no allowance', async () => {
    const host = await h.registerUser('Hal');
    const unverified = await Promise.all(['U1', 'U2', 'U3'].map((name) => h.registerUser(name, { verified: false })));
    const verified = await Promise.all(['V1', 'V2', 'V3'].map((name) => h.registerUser(name)));
    const eventID = await h.scheduleEvent(host, { start: inAMonth(), invite: [...unverified, ...verified] });
    const rows = await settled(eventID, 6);
    const byRecipient = new Map(rows.map((r) => [r.recipient, r.status === 'skipped' ? r.last_error : r.status]));
    expect(unverified.map((u) => byRecipient.get(u.userID))).toEqual(['UNVERIFIED_ADDRESS', 'UNVERIFIED_ADDRESS', 'UNVERIFIED_ADDRESS']);
    expect(verified.map((v) => byRecipient.get(v.userID))).toEqual(['sent', 'sent', 'sent']);
  });
});
