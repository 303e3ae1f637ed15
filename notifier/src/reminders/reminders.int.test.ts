import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';

/** A start an hour ahead on the notifier's clock, on a whole minute: its reminders fall due when the test moves that clock. */
const anHourAhead = (h: NotifierHarness) => new Date(Math.ceil((h.clock().getTime() + 3_600_000) / 60_000) * 60_000);

/** Moves the notifier's clock to the moment the default 10-minute reminder of an event starting at `start` is due. */
const moveClockToReminderOf = (h: NotifierHarness, start: Date, lateByMs = 0) => h.advanceClock(start.getTime() - 10 * 60_000 + lateByMs - h.clock().getTime());

async function pendingTimers(h: NotifierHarness, eventID: string) {
  const { rows } = await h.db.query<{ user_id: string; method: string; minutes: number; fire_at: Date | string }>(
    'select user_id::text, method, minutes, fire_at from notifier_reminders where event_id = $1 order by user_id, minutes',
    [eventID],
  );
  return rows.map((r) => ({ userID: r.user_id, method: r.method, minutes: r.minutes, fireAt: new Date(r.fire_at).toISOString() }));
}

/** Reminders the ledger shows as sent, with the notifier's clock at the moment each was sent. */
async function sentReminders(h: NotifierHarness, eventID: string) {
  const { rows } = await h.db.query<{ recipient: string; late: boolean; sent_at: Date | string }>(
    `select recipient::text, late, sent_at from notifier_ledger where event_id = $1 and kind like 'reminder-%' and status = 'sent' order by id`,
    [eventID],
  );
  return rows.map((r) => ({ recipient: r.recipient, late: r.late, sentAt: new Date(r.sent_at).getTime() }));
}

describe('reminders', () => {
  let h: NotifierHarness;
  beforeEach(async () => {
    h = await startNotifierHarness({ database: 'postgres' });
    await h.startNotifier();
  });
  afterEach(async () => {
    await h.close();
  });

  test('by default each attendee who accepted gets one "Reminder:" e-mail 10 minutes before, within 5 s of its time', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const start = anHourAhead(h);
    const eventID = await h.scheduleEvent(host, { start, invite: [ann, ben], title: 'Standup' });
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    await h.append(h.calendarEvent(eventID), 'InvitationDeclined', { eventID, userID: ben.userID }, ben.userID);
    // Two invitations and Ann's and Ben's REPLY to the host first; the timers of the host and Ann (who accepted) wait.
    await h.sink.waitForCount(4, 10_000);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.map((r) => r.userID).sort().join() === [host.userID, ann.userID].sort().join());
    // Then the two reminders, once the notifier's clock reaches their time (the test's own clock plays no part).
    moveClockToReminderOf(h, start);
    const all = await h.sink.waitForCount(6, 10_000);
    const subjects = await Promise.all(all.map(async (m) => (await h.sink.parse(m)).subject ?? ''));
    const reminderMails = all.filter((_m, i) => subjects[i]?.startsWith('Reminder: Standup @ '));
    const parsed = await Promise.all(reminderMails.map((m) => h.sink.parse(m)));
    expect(reminderMails).toHaveLength(2);
    expect(reminderMails.flatMap((m) => m.to).sort()).toEqual([host.email, ann.email].sort());
    const fireAt = start.getTime() - 10 * 60_000;
    const sent = await h.eventually(() => sentReminders(h, eventID), (rows) => rows.length === 2);
    for (const reminder of sent) {
      expect(reminder.sentAt).toBeGreaterThanOrEqual(fireAt);
      expect(reminder.sentAt - fireAt).toBeLessThan(5_000);
      expect(reminder.late).toBe(false);
    }
    expect(parsed.every((m) => m.attachments.every((a) => a.contentType !== 'text/calendar'))).toBe(true);
    await h.settled();
    expect(h.sink.received()).toHaveLength(6);
    expect(await pendingTimers(h, eventID)).toEqual([]);
  });

  test('an invitation not answered yet plans no reminders; accepting plans them, declining removes them', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const start = new Date(Math.ceil((Date.now() + 24 * 3_600_000) / 60_000) * 60_000);
    const eventID = await h.scheduleEvent(host, { start, invite: [ann] });
    const whose = (rows: { userID: string }[]) => rows.map((r) => (r.userID === host.userID ? 'host' : r.userID === ann.userID ? 'ann' : r.userID)).sort();
    // The invitation is recorded (so the reactor has processed AttendeeInvited) and only the host has a timer.
    await h.eventually(() => h.ledger(eventID), (rows) => rows.some((r) => r.recipient === ann.userID && r.kind.startsWith('invitation')));
    expect(whose(await pendingTimers(h, eventID))).toEqual(['host']);
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => whose(rows).join() === 'ann,host');
    await h.append(h.calendarEvent(eventID), 'InvitationDeclined', { eventID, userID: ann.userID }, ann.userID);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => whose(rows).join() === 'host');
  });

  test('moving an event moves its pending reminders; cancelling it cancels them', async () => {
    const host = await h.registerUser('Ada');
    const start = new Date(Math.ceil((Date.now() + 24 * 3_600_000) / 60_000) * 60_000);
    const eventID = await h.scheduleEvent(host, { start });
    const planned = await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.length === 1);
    expect(planned[0]?.fireAt).toBe(new Date(start.getTime() - 10 * 60_000).toISOString());

    const later = new Date(start.getTime() + 2 * 3_600_000);
    await h.append(h.calendarEvent(eventID), 'CalendarEventRescheduled', { eventID, startTime: later.toISOString(), endTime: new Date(later.getTime() + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' }, host.userID);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.length === 1 && rows[0]?.fireAt === new Date(later.getTime() - 10 * 60_000).toISOString());

    await h.append(h.calendarEvent(eventID), 'CalendarEventCancelled', { eventID, cancelledBy: host.userID }, host.userID);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.length === 0);
  });

  test("an attendee's own reminders replace their defaults, and new defaults re-plan events that use them", async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const start = new Date(Math.ceil((Date.now() + 3 * 24 * 3_600_000) / 60_000) * 60_000);
    const eventID = await h.scheduleEvent(host, { start, invite: [ann] });
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    await h.append(h.calendarEvent(eventID), 'RemindersChanged', { eventID, userID: ann.userID, useDefault: false, overrides: [{ method: 'push', minutes: 30 }, { method: 'email', minutes: 1440 }] }, ann.userID);
    await h.append(`User-${host.userID}`, 'DefaultRemindersChanged', { userID: host.userID, reminders: [{ method: 'email', minutes: 60 }] }, host.userID);
    const timers = await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.some((r) => r.userID === host.userID && r.minutes === 60) && rows.length === 3);
    expect(timers.map((t) => [t.userID === host.userID ? 'host' : 'ann', t.method, t.minutes]).sort()).toEqual([
      ['ann', 'email', 1440],
      ['ann', 'push', 30],
      ['host', 'email', 60],
    ]);
  });

  test('reminders that fell due while the notifier was down go out when it is back, marked late, each once', async () => {
    const host = await h.registerUser('Ada');
    const device = h.pushService.subscribe();
    expect((await h.http().post('/devices').set(host.auth).send(device)).status).toBe(201);
    const start = anHourAhead(h);
    const eventID = await h.scheduleEvent(host, { start, title: 'Review' });
    await h.append(h.calendarEvent(eventID), 'RemindersChanged', { eventID, userID: host.userID, useDefault: false, overrides: [{ method: 'email', minutes: 10 }, { method: 'push', minutes: 10 }] }, host.userID);
    await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.length === 2);
    await h.stopNotifier();
    // Down until a quarter of an hour past the reminders' time, as far as the notifier's clock can tell.
    moveClockToReminderOf(h, start, 15 * 60_000);
    await h.startNotifier();
    const [mail] = await h.sink.waitForCount(1);
    if (!mail) throw new Error('no reminder');
    expect((await h.sink.parse(mail)).subject).toMatch(/^Reminder: Review @ .*\(late\)$/);
    const [push] = await h.pushService.waitForCount(1);
    expect(JSON.parse(push?.payload ?? '{}')).toMatchObject({ kind: 'reminder', late: true, title: 'Reminder: Review' });
    expect(push?.headers.urgency).toBe('high');
    const entries = await h.eventually(() => h.ledger(eventID), (rows) => rows.length === 2 && rows.every((r) => r.status === 'sent'));
    expect(entries.map((e) => [e.channel, e.kind, e.late, e.occurrence])).toEqual([
      ['email', 'reminder-10m', true, start.toISOString()],
      ['push', 'reminder-10m', true, start.toISOString()],
    ]);
    await h.stopNotifier();
    await h.startNotifier();
    // A positive marker that the restarted notifier's timer and sender have run: someone else's later reminder goes out.
    const sam = await h.registerUser('Sam');
    const sentinelStart = anHourAhead(h);
    const sentinel = await h.scheduleEvent(sam, { start: sentinelStart, title: 'Sentinel' });
    await h.eventually(() => pendingTimers(h, sentinel), (rows) => rows.length === 1);
    moveClockToReminderOf(h, sentinelStart);
    await h.sink.waitForCount(2);
    await h.settled();
    const subjects = await Promise.all(h.sink.received().map(async (m) => (await h.sink.parse(m)).subject));
    expect(subjects).toEqual([expect.stringMatching(/^Reminder: Review @ .*\(late\)$/), expect.stringMatching(/^Reminder: Sentinel @ /)]);
    expect(h.pushService.received()).toHaveLength(1);
  });
});

describe('reminders of a series', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ database: 'postgres' });
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  test('occurrences get timers within the planning horizon, and later ones as time moves on', async () => {
    const host = await h.registerUser('Ada');
    const start = new Date(Math.ceil((Date.now() + 24 * 3_600_000) / 60_000) * 60_000);
    const eventID = await h.scheduleEvent(host, { start, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=20'] });
    const first = await h.eventually(() => pendingTimers(h, eventID), (rows) => rows.length > 0);
    expect(first.length).toBeGreaterThanOrEqual(8);
    expect(first.length).toBeLessThan(20);
    await h.stopNotifier();
    h.advanceClock(5 * 7 * 24 * 3_600_000);
    await h.startNotifier();
    const lastPlanned = (rows: { fireAt: string }[]) => rows.map((r) => r.fireAt).sort().at(-1) ?? '';
    // Planning ahead and settling the overdue timers are separate steps after a restart: wait for both.
    const allAhead = (rows: { fireAt: string }[]) => rows.every((t) => Date.parse(t.fireAt) > h.clock().getTime());
    const later = await h.eventually(() => pendingTimers(h, eventID), (rows) => lastPlanned(rows) > lastPlanned(first) && allAhead(rows));
    expect(new Set(later.map((t) => t.fireAt)).size).toBe(later.length);
    // The five occurrences that passed while the notifier was away are accounted for, not reminded of.
    const overdue = first.filter((t) => Date.parse(t.fireAt) < h.clock().getTime()).length;
    expect(overdue).toBe(5);
    const skipped = await h.eventually(() => h.ledger(eventID), (rows) => rows.length === overdue);
    expect(skipped.every((e) => e.status === 'skipped' && e.late && e.kind === 'reminder-10m')).toBe(true);
    expect(h.sink.received()).toHaveLength(0);
  });
});
