import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import pino from 'pino';
import { calendarEventReactor } from '../calendarEvents/calendarEventReactor';
import { type NotifierHarness, startNotifierHarness } from '../testing/notifierHarness';
import { userDirectory } from '../users/userDirectory';
import { calendarPartOf } from './mailTransport.contract';

/** One event's mail as a client sees it, checked on the way: one text/calendar part, every calendar object parses. */
interface Delivered {
  to: string;
  subject: string;
  method: string;
  sequence: number;
  recurrenceId: string | null;
  status: string;
  start: string;
  summary: string;
  /** Everything a reader can see: text, HTML and every calendar object, decoded. */
  visible: string;
}

type Guest = { userID: string; email: string };

/** The raw MIME (RFC 2045) holds exactly one text/calendar part, with the method of the object it carries (RFC 6047 §2.4). */
function checkedMail(mail: ParsedMail, raw: string, uid: string): Delivered | undefined {
  const part = calendarPartOf(mail);
  const vevent = part?.calendar.getFirstSubcomponent('vevent');
  if (!part || !vevent || vevent.getFirstPropertyValue('uid') !== uid) return undefined;
  expect(raw.match(/^Content-Type: text\/calendar/gim)).toHaveLength(1);
  // nodemailer attaches the object once more as invite.ics (application/ics), for clients that read only attachments: once.
  expect(raw.match(/filename=.?invite\.ics/g)).toHaveLength(1);
  expect(part.method).toBe(part.calendar.getFirstPropertyValue('method'));
  // Every calendar object in the message parses (the text/calendar part and the invite.ics nodemailer attaches).
  const objects = mail.attachments.filter((a) => a.contentType === 'text/calendar' || a.contentType === 'application/ics').map((a) => a.content.toString('utf8'));
  for (const text of objects) expect(new ICAL.Component(ICAL.parse(text)).name).toBe('vcalendar');
  const event = new ICAL.Event(vevent);
  const recurrenceId = vevent.getFirstProperty('recurrence-id');
  return {
    to: mail.to !== undefined && !Array.isArray(mail.to) ? mail.to.text : '',
    subject: mail.subject ?? '',
    method: part.method ?? '',
    sequence: event.sequence,
    recurrenceId: recurrenceId ? `${recurrenceId.getParameter('tzid') ?? recurrenceId.type}:${recurrenceId.getFirstValue()?.toString()}` : null,
    status: String(vevent.getFirstPropertyValue('status')),
    start: event.startDate.toString(),
    summary: event.summary,
    visible: [mail.text, mail.html, ...objects].join('\n'),
  };
}

describe('iMIP messages as recipients get them', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness();
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  /** One command: its events appended atomically with one correlation id and time, as the command API does. */
  async function command(eventID: string, actorID: string, events: { type: string; data: Record<string, unknown> }[]): Promise<void> {
    const metadata = { actorID, occurredAt: h.clock().toISOString(), correlationId: randomUUID(), schemaVersion: 1 };
    await h.store.appendToStream(h.calendarEvent(eventID), events.map((e) => ({ eventID: randomUUID(), type: e.type, data: { eventID, ...e.data }, metadata })), 'any');
  }

  async function streamVersion(eventID: string): Promise<number> {
    return (await h.store.readStream(h.calendarEvent(eventID))).currentVersion ?? 0;
  }

  /**
   * Every mail about the event so far, once the notifier has handled the whole stream and sent all it
   * recorded: the ledger is then final, so a count here is exact, not "at least".
   */
  async function settled(eventID: string): Promise<Delivered[]> {
    const version = await streamVersion(eventID);
    await h.eventually(
      async () => (await h.db.query<{ version: string }>('select version::text from notifier_calendar_events where event_id = $1', [eventID])).rows[0]?.version,
      (handled) => Number(handled) === version,
    );
    let found: Delivered[] = [];
    await h.eventually(
      async () => {
        found = [];
        for (const received of h.sink.received()) {
          const raw = readFileSync(received.file, 'utf8');
          if (!raw.includes(eventID)) continue;
          const mail = checkedMail(await h.sink.parse(received), raw, `${eventID}@datebook`);
          if (mail) found.push(mail);
        }
        const emails = (await h.ledger(eventID)).filter((r) => r.channel === 'email');
        return { found: found.length, sent: emails.filter((r) => r.status === 'sent').length, pending: emails.filter((r) => r.status === 'pending').length };
      },
      (v) => v.pending === 0 && v.found === v.sent,
    );
    return found;
  }

  const mailsOf = settled;

  const to = (mails: Delivered[], who: Guest) => mails.filter((m) => m.to === who.email);

  test('a PUT that moves and renames (one command, two events) sends each guest one update carrying the final state and one SEQUENCE', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const start = new Date('2030-06-04T08:00:00.000Z');
    const eventID = await h.scheduleEvent(host, { start, invite: [ann, ben], title: 'Planning' });
    const invitations = await mailsOf(eventID);
    expect(invitations.map((m) => [m.to, m.method]).sort()).toEqual([[ann.email, 'REQUEST'], [ben.email, 'REQUEST']].sort());

    const later = new Date('2030-06-04T12:00:00.000Z');
    await command(eventID, host.userID, [
      { type: 'CalendarEventRescheduled', data: { startTime: later.toISOString(), endTime: new Date(later.getTime() + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' } },
      { type: 'CalendarEventDetailsChanged', data: { title: 'Planning (moved)', description: null, location: 'Room 4' } },
    ]);
    const updates = (await mailsOf(eventID)).filter((m) => m.subject.startsWith('Updated invitation:'));
    for (const guest of [ann, ben]) {
      const [update, ...more] = to(updates, guest);
      expect(more).toHaveLength(0);
      expect(update).toMatchObject({ method: 'REQUEST', summary: 'Planning (moved)', start: '2030-06-04T12:00:00Z' });
      expect(update?.subject).toMatch(/^Updated invitation: Planning \(moved\) @ /);
      expect(update?.sequence).toBeGreaterThan(to(invitations, guest)[0]?.sequence ?? Number.POSITIVE_INFINITY);
    }
    expect((await h.ledger(eventID)).filter((r) => r.channel === 'email' && r.kind.startsWith('update'))).toHaveLength(2);
  });

  test('the events of one command handled in separate deliveries still make one message per guest', async () => {
    const host = await h.registerUser('Hal');
    const ann = await h.registerUser('Ann');
    const eventID = await h.scheduleEvent(host, { start: new Date('2030-07-01T08:00:00.000Z'), invite: [ann] });
    const [invitation] = await mailsOf(eventID);
    await h.stopNotifier();
    await command(eventID, host.userID, [
      { type: 'CalendarEventRescheduled', data: { startTime: '2030-07-01T10:00:00.000Z', endTime: '2030-07-01T11:00:00.000Z', timeZone: 'Europe/Berlin' } },
      { type: 'CalendarEventDetailsChanged', data: { title: 'Planning, later', description: null, location: null } },
    ]);
    const react = calendarEventReactor({
      db: h.db, store: h.store, directory: userDirectory(h.db, h.store), clock: h.clock, logger: pino({ level: 'silent' }), staleAfterMs: 3_600_000, mailPerSender: { perHour: 100, perDay: 500 },
    });
    const { events } = await h.store.readStream(h.calendarEvent(eventID));
    const [moved, renamed] = events.slice(-2);
    if (!moved || !renamed) throw new Error('the command was not appended');
    const updatesRecorded = async () => (await h.ledger(eventID)).filter((r) => r.channel === 'email' && r.kind.startsWith('update'));
    await react([moved]);
    expect(await updatesRecorded()).toHaveLength(0);
    await react([renamed]);
    expect(await updatesRecorded()).toHaveLength(1);

    await h.startNotifier();
    const updates = (await mailsOf(eventID)).filter((m) => m.subject.startsWith('Updated invitation:'));
    expect(updates.map((m) => [m.to, m.summary, m.start])).toEqual([[ann.email, 'Planning, later', '2030-07-01T10:00:00Z']]);
    expect(updates[0]?.sequence).toBeGreaterThan(invitation?.sequence ?? Number.POSITIVE_INFINITY);
  });

  test('a REPLY carries the SEQUENCE of the last REQUEST the attendee received, also after a "this and following" split', async () => {
    const host = await h.registerUser('Ida');
    const ann = await h.registerUser('Ann');
    const eventID = await h.scheduleEvent(host, { start: new Date('2030-03-18T08:00:00.000Z'), minutes: 15, title: 'Stand-up', invite: [ann], recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] });
    await mailsOf(eventID);
    await command(eventID, host.userID, [
      { type: 'RecurrenceChanged', data: { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20300407T065959Z'] } },
      { type: 'SeriesSplit', data: { originalStart: '2030-04-08T07:00:00.000Z', newEventID: randomUUID() } },
    ]);
    await mailsOf(eventID);
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    const mails = await mailsOf(eventID);
    const requests = to(mails, ann);
    expect(requests.map((m) => m.subject.split(':')[0])).toEqual(['Invitation', 'Updated invitation']);
    const [reply, ...moreReplies] = to(mails, host);
    expect(moreReplies).toHaveLength(0);
    expect(reply?.method).toBe('REPLY');
    // RFC 5546 §2.1.4 / §3.2.3: the answer echoes the SEQUENCE of the request it answers, one Ann was sent.
    expect(reply?.sequence).toBe(requests.at(-1)?.sequence);
    expect(requests.map((m) => m.sequence)).toEqual([...requests.map((m) => m.sequence)].sort((a, b) => a - b));
  });

  test('cancelling one occurrence sends a CANCEL for that occurrence, naming its day; changing one sends a REQUEST for it', async () => {
    const host = await h.registerUser('Jo');
    const ann = await h.registerUser('Ann');
    const eventID = await h.scheduleEvent(host, { start: new Date('2030-03-18T08:00:00.000Z'), minutes: 15, title: 'Stand-up', invite: [ann], recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] });
    const [invitation] = await mailsOf(eventID);
    await command(eventID, host.userID, [{ type: 'OccurrenceCancelled', data: { originalStart: '2030-03-25T08:00:00.000Z' } }]);
    const [cancel, ...moreCancels] = (await mailsOf(eventID)).filter((m) => m.method === 'CANCEL');
    expect(moreCancels).toHaveLength(0);
    expect(cancel).toMatchObject({ to: ann.email, subject: 'Cancelled: Stand-up on Mon, 25 Mar 2030', status: 'CANCELLED', recurrenceId: 'Europe/Berlin:2030-03-25T09:00:00' });
    expect(cancel?.sequence).toBeGreaterThan(invitation?.sequence ?? Number.POSITIVE_INFINITY);

    await command(eventID, host.userID, [
      { type: 'OccurrenceChanged', data: { originalStart: '2030-04-01T07:00:00.000Z', startTime: '2030-04-01T09:00:00.000Z', endTime: '2030-04-01T09:15:00.000Z', title: 'Stand-up', description: null, location: 'Room 9' } },
    ]);
    const changed = (await mailsOf(eventID)).filter((m) => m.method === 'REQUEST' && m.recurrenceId !== null);
    expect(changed.map((m) => [m.to, m.recurrenceId, m.start, m.status])).toEqual([[ann.email, 'Europe/Berlin:2030-04-01T09:00:00', '2030-04-01T09:00:00Z', 'CONFIRMED']]);
    expect(changed[0]?.subject).toMatch(/^Updated invitation: Stand-up on Mon, 1 Apr 2030, now @ /);
  });

  test('an all-day series: dates only, the same in every zone; its cancelled occurrence is named by a DATE RECURRENCE-ID', async () => {
    const host = await h.registerUser('Kim', { timeZone: 'Asia/Tokyo' });
    const ann = await h.registerUser('Ann', { timeZone: 'America/Los_Angeles' });
    const ben = await h.registerUser('Ben', { timeZone: 'UTC' });
    const eventID = randomUUID();
    await command(eventID, host.userID, [
      {
        type: 'CalendarEventScheduled',
        data: { hostID: host.userID, title: 'Company holiday', startTime: '2030-11-11T00:00:00.000Z', endTime: '2030-11-12T00:00:00.000Z', timeZone: 'Asia/Tokyo', allDay: true, startDate: '2030-11-11', endDate: '2030-11-12', recurrence: ['RRULE:FREQ=YEARLY;COUNT=3'] },
      },
      { type: 'AttendeeInvited', data: { userID: ann.userID, invitedBy: host.userID } },
      { type: 'AttendeeInvited', data: { userID: ben.userID, invitedBy: host.userID } },
    ]);
    const invitations = await mailsOf(eventID);
    expect(invitations.map((m) => m.subject)).toEqual(['Invitation: Company holiday @ Mon, 11 Nov 2030', 'Invitation: Company holiday @ Mon, 11 Nov 2030']);
    for (const mail of invitations) expect(mail.visible).toContain('When: Mon, 11 Nov 2030\n');

    await command(eventID, host.userID, [{ type: 'OccurrenceCancelled', data: { originalStart: '2031-11-11' } }]);
    const cancels = (await mailsOf(eventID)).filter((m) => m.method === 'CANCEL');
    expect(cancels.map((m) => [m.subject, m.recurrenceId, m.start])).toEqual([
      ['Cancelled: Company holiday on Tue, 11 Nov 2031', 'date:2031-11-11', '2031-11-11'],
      ['Cancelled: Company holiday on Tue, 11 Nov 2031', 'date:2031-11-11', '2031-11-11'],
    ]);
  });

  test('with guestsCanSeeOtherGuests false a guest is shown the organizer and themselves only; the organizer sees everyone', async () => {
    const host = await h.registerUser('Lee');
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const eventID = randomUUID();
    await command(eventID, host.userID, [
      {
        type: 'CalendarEventScheduled',
        data: { hostID: host.userID, title: 'Surprise party', startTime: '2030-05-01T17:00:00.000Z', endTime: '2030-05-01T20:00:00.000Z', timeZone: 'Europe/Berlin', guestsCanSeeOtherGuests: false },
      },
      { type: 'AttendeeInvited', data: { userID: ann.userID, invitedBy: host.userID } },
      { type: 'AttendeeInvited', data: { userID: ben.userID, invitedBy: host.userID } },
    ]);
    await mailsOf(eventID);
    await command(eventID, host.userID, [{ type: 'CalendarEventDetailsChanged', data: { title: 'Surprise party!', description: null, location: 'The garden' } }]);
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    const mails = await mailsOf(eventID);
    for (const [guest, other] of [[ann, ben], [ben, ann]] as const) {
      const theirs = to(mails, guest);
      expect(theirs.map((m) => m.subject.split(':')[0])).toEqual(['Invitation', 'Updated invitation']);
      for (const mail of theirs) {
        expect(mail.visible).toContain(guest.email);
        expect(mail.visible).toContain(host.email);
        expect(mail.visible).not.toContain(other.email);
      }
    }
    const [reply] = to(mails, host);
    expect(reply?.method).toBe('REPLY');
  });
});
