import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { calendarPartOf } from './email/mailTransport.contract';
import { type NotifierHarness, startNotifierHarness } from './testing/notifierHarness';

/** The VEVENT of a message's calendar part, with the method from its Content-Type. */
function invitationOf(mail: ParsedMail) {
  const part = calendarPartOf(mail);
  const vevent = part?.calendar.getFirstSubcomponent('vevent');
  if (!part || !vevent) throw new Error(`no calendar part in "${mail.subject}"`);
  const attendees = Object.fromEntries(vevent.getAllProperties('attendee').map((p) => [String(p.getFirstValue()).replace('mailto:', ''), p.getParameter('partstat')]));
  const event = new ICAL.Event(vevent);
  return { method: part.method, calendarMethod: part.calendar.getFirstPropertyValue('method'), uid: event.uid, sequence: event.sequence, status: vevent.getFirstPropertyValue('status'), organizer: vevent.getFirstPropertyValue('organizer'), attendees, start: event.startDate.toJSDate().toISOString() };
}

const mailTo = (mails: ParsedMail[], address: string) => mails.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text === address);

describe.each(['pglite', 'postgres'] as const)('notifier on %s: invitations, answers, updates, cancellations', (database) => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness({ database });
    await h.startNotifier();
  });
  afterAll(async () => {
    await h.close();
  });

  test('each invitee gets one iMIP REQUEST by e-mail and a decrypted push on every device; the host gets a REPLY per answer', async () => {
    const host = await h.registerUser('Ada');
    const ann = await h.registerUser('Ann');
    const ben = await h.registerUser('Ben');
    const device = h.pushService.subscribe();
    const registered = await h.http().post('/devices').set(ann.auth).send(device);
    expect(registered.status).toBe(201);

    const start = new Date(Math.ceil((Date.now() + 3 * 24 * 3_600_000) / 60_000) * 60_000);
    const eventID = await h.scheduleEvent(host, { start, invite: [ann, ben], title: 'Budget, Q1; review' });
    await h.sink.waitForCount(2);
    const invitations = await h.sink.parsedAll();
    for (const guest of [ann, ben]) {
      const [mail, ...more] = mailTo(invitations, guest.email);
      expect(more).toHaveLength(0);
      if (!mail) throw new Error(`no invitation for ${guest.name}`);
      expect(mail.subject).toMatch(/^Invitation: Budget, Q1; review @ /);
      expect(mail.text).toContain('Ada invited you.');
      expect(mail.html).toContain('<h2>Budget, Q1; review</h2>');
      const invitation = invitationOf(mail);
      expect(invitation).toMatchObject({ method: 'REQUEST', calendarMethod: 'REQUEST', uid: `${eventID}@datebook`, status: 'CONFIRMED', organizer: `mailto:${host.email}`, start: start.toISOString() });
      expect(invitation.attendees[host.email]).toBe('ACCEPTED');
      expect(invitation.attendees[guest.email]).toBe('NEEDS-ACTION');
    }
    const [push] = await h.pushService.waitForCount(1);
    expect(JSON.parse(push?.payload ?? '{}')).toMatchObject({ title: 'Invitation: Budget, Q1; review', eventID, kind: 'invitation' });
    expect(push?.headers.topic).toBe(eventID.replace(/-/g, ''));

    const firstSequence = invitationOf(mailTo(invitations, ben.email)[0] as ParsedMail).sequence;
    await h.append(h.calendarEvent(eventID), 'InvitationAccepted', { eventID, userID: ann.userID }, ann.userID);
    await h.sink.waitForCount(3);
    const reply = mailTo(await h.sink.parsedAll(), host.email)[0];
    if (!reply) throw new Error('no reply to the host');
    expect(reply.subject).toMatch(/^Accepted: Budget, Q1; review @ .*\(Ann\)$/);
    expect(invitationOf(reply)).toMatchObject({ method: 'REPLY', uid: `${eventID}@datebook`, attendees: { [ann.email]: 'ACCEPTED' } });
    // RFC 5546 §2.1.4: a REPLY carries the SEQUENCE of the request it answers.
    expect(invitationOf(reply).sequence).toBe(invitationOf(mailTo(invitations, ann.email)[0] as ParsedMail).sequence);

    const later = new Date(start.getTime() + 3_600_000);
    await h.append(h.calendarEvent(eventID), 'CalendarEventRescheduled', { eventID, startTime: later.toISOString(), endTime: new Date(later.getTime() + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' }, host.userID);
    await h.sink.waitForCount(5);
    const updates = (await h.sink.parsedAll()).filter((m) => m.subject?.startsWith('Updated invitation:'));
    expect(updates.map((m) => invitationOf(m)).map((i) => [i.method, i.start, i.sequence > firstSequence])).toEqual([
      ['REQUEST', later.toISOString(), true],
      ['REQUEST', later.toISOString(), true],
    ]);
    expect(invitationOf(mailTo(updates, ann.email)[0] as ParsedMail).attendees[ann.email]).toBe('ACCEPTED');

    await h.append(h.calendarEvent(eventID), 'CalendarEventCancelled', { eventID, cancelledBy: host.userID }, host.userID);
    await h.sink.waitForCount(7);
    const cancellations = (await h.sink.parsedAll()).filter((m) => m.subject?.startsWith('Cancelled event:'));
    expect(cancellations.map((m) => [invitationOf(m).method, invitationOf(m).status]).sort()).toEqual([
      ['CANCEL', 'CANCELLED'],
      ['CANCEL', 'CANCELLED'],
    ]);
    const sequences = [invitationOf(mailTo(invitations, ann.email)[0] as ParsedMail), invitationOf(mailTo(updates, ann.email)[0] as ParsedMail), invitationOf(mailTo(cancellations, ann.email)[0] as ParsedMail)].map((i) => i.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(3);

    // The host reads the ledger; anyone else is told there is no such event.
    const listed = await h.eventually(
      () => h.http().get(`/events/${eventID}/notifications`).set(host.auth),
      (res) => res.status === 200 && res.body.notifications.every((n: { status: string }) => n.status === 'sent') && res.body.notifications.length === 10,
    );
    const kinds = listed.body.notifications.map((n: { recipient: string; channel: string; kind: string }) => `${n.recipient === ann.userID ? 'ann' : n.recipient === ben.userID ? 'ben' : 'host'}:${n.channel}:${n.kind.split('@')[0]}`);
    expect(kinds.sort()).toEqual(['ann:email:cancellation', 'ann:email:invitation', 'ann:email:update', 'ann:push:cancellation', 'ann:push:invitation', 'ann:push:update', 'ben:email:cancellation', 'ben:email:invitation', 'ben:email:update', 'host:email:reply'].sort());
    expect((await h.http().get(`/events/${eventID}/notifications`).set(ann.auth)).status).toBe(404);
    expect((await h.http().get(`/events/${eventID}/notifications`)).status).toBe(401);
  });
});
