import { randomBytes, randomUUID } from 'node:crypto';
import { calendarEventStreamName, replyAddresses } from '@datebook/shared-kernel';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';
import { inboundReplies } from './inboundReplies';
import { type FixtureName, fixtureMessage, type FixtureValues } from './testing/fixtureMessage';
import { mailsTo } from './testing/mailbox';
import { type Sender, smtpSender } from './testing/smtpSender';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;

const DOMAIN = 'inbound.datebook.test';
const TITLE = 'Planning';

/** What the last REQUEST for the event to `address` says: where to answer (its ORGANIZER), its UID and SEQUENCE. */
async function lastInvitation(mailDir: string, address: string, eventID: string) {
  const request = (await mailsTo(mailDir, address)).filter((m) => m.calendar.includes('METHOD:REQUEST') && m.calendar.includes(`UID:${eventID}@datebook`)).at(-1);
  if (!request) return undefined;
  const replyAddress = /^ORGANIZER;[^\r\n]*:mailto:([^\r\n]+)\r?$/m.exec(request.calendar)?.[1];
  const sequence = /^SEQUENCE:(\d+)\r?$/m.exec(request.calendar)?.[1];
  return replyAddress && sequence ? { replyAddress, replyTo: request.replyTo, uid: `${eventID}@datebook`, sequence: Number(sequence) } : undefined;
}

describe('answers by mail (inbound iMIP, RFC 6047): Thunderbird, Outlook and Google answering the invitations Datebook sent', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let smtp: Sender;
  let ann: Person;
  let bob: Person;
  let carol: Person;
  const dan = `dan.${randomBytes(3).toString('hex')}@example.com`;
  const codec = replyAddresses({ secret: randomBytes(32).toString('base64url'), domain: DOMAIN });

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db, { inboundMail: { replyAddresses: codec, port: 0, host: '127.0.0.1', protocol: 'smtp' } });
    smtp = smtpSender(sys.inboundMailPort as number);
    [ann, bob, carol] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('carol')];
  }, 120_000);
  afterAll(async () => {
    smtp?.close();
    await sys?.stop();
    await db?.close();
  });

  /** Ann books an event with Bob and Carol (accounts) and Dan (an address); each guest's invitation is awaited. */
  async function book(extra: Record<string, unknown> = {}) {
    const booked = await sys.http().post('/events').set(ann.auth).send({
      title: TITLE, startTime: '2030-06-04T10:00:00+02:00', endTime: '2030-06-04T11:00:00+02:00', timeZone: 'Europe/Berlin',
      invitedUserIDs: [bob.userID, carol.userID], attendees: [{ email: dan }], ...extra,
    });
    expect(booked.status).toBe(201);
    const eventID: string = booked.body.eventID;
    return { eventID, invitationOf: (address: string, minSequence = 0) => invitationOf(eventID, address, minSequence) };
  }
  async function invitationOf(eventID: string, address: string, minSequence = 0) {
    let found: Awaited<ReturnType<typeof lastInvitation>>;
    await pollUntil(async () => (found = await lastInvitation(sys.mailDir, address, eventID)) !== undefined && found.sequence >= minSequence, { timeoutMs: 15_000, pollMs: 50, what: `the invitation to ${address}` });
    return found as NonNullable<typeof found>;
  }
  const attendeesOf = async (eventID: string) => {
    const res = await sys.http().get(`/events/${eventID}`).set(ann.auth);
    expect(res.status).toBe(200);
    return res.body.attendees as { userID?: string; email?: string; rsvpStatus: string }[];
  };
  const answerOf = async (eventID: string, who: string) => (await attendeesOf(eventID)).find((a) => a.userID === who || a.email === who)?.rsvpStatus;
  const untilAnswered = (eventID: string, who: string, rsvpStatus: string) =>
    pollUntil(async () => (await answerOf(eventID, who)) === rsvpStatus, { timeoutMs: 15_000, pollMs: 50, what: `${who} ${rsvpStatus} on GET /events/${eventID}` });
  /** The answers Ann (the organizer) was mailed for this event: iTIP REPLYs, as for an answer in the app. */
  const repliesToAnn = async (eventID: string) => (await mailsTo(sys.mailDir, ann.email)).filter((m) => m.calendar.includes('METHOD:REPLY') && m.calendar.includes(`UID:${eventID}@datebook`));
  /** What the same message, given straight to the inbound side, is refused for (the reason the listener logs). */
  const reasonFor = async (fixture: FixtureName | Buffer, values: FixtureValues, to = values.REPLY_ADDRESS) => {
    const message = Buffer.isBuffer(fixture) ? fixture : fixtureMessage(fixture, values);
    const outcome = await inboundReplies({ store: sys.store, replyAddresses: codec, clock: () => new Date() }).receive(to, message);
    return outcome.kind === 'refused' ? outcome.reason : outcome.kind;
  };

  it('the invitations name each guest’s own reply address as ORGANIZER and Reply-To', async () => {
    const { eventID, invitationOf: of } = await book();
    const [toBob, toCarol, toDan] = [await of(bob.email), await of(carol.email), await of(dan)];
    expect(toBob.replyAddress).toBe(codec.addressFor(eventID, bob.email));
    expect(toBob.replyTo).toBe(toBob.replyAddress);
    expect(toCarol.replyAddress).toBe(codec.addressFor(eventID, carol.email));
    expect(toDan.replyAddress).toBe(codec.addressFor(eventID, dan));
    expect(new Set([toBob.replyAddress, toCarol.replyAddress, toDan.replyAddress]).size).toBe(3);
  });

  it('Thunderbird: Bob accepts by mail; GET /events/:id shows it, Ann is mailed his answer as for one in the app; the same answer again records nothing', async () => {
    const { eventID, invitationOf: of } = await book();
    const invitation = await of(bob.email);
    const values = { REPLY_ADDRESS: invitation.replyAddress, ATTENDEE: bob.email, ATTENDEE_NAME: 'bob', UID: invitation.uid, SEQUENCE: invitation.sequence };
    expect(await smtp.send('thunderbird-accept', values)).toEqual({ code: 250, text: expect.stringContaining('answer recorded') });
    await untilAnswered(eventID, bob.userID, 'ACCEPTED');
    await pollUntil(async () => (await repliesToAnn(eventID)).length === 1, { timeoutMs: 15_000, pollMs: 50, what: 'the REPLY mailed to Ann' });
    const [reply] = await repliesToAnn(eventID);
    expect(reply?.subject).toMatch(/^Accepted: Planning @ .* \(bob\)$/);
    expect(reply?.calendar).toMatch(new RegExp(`^ATTENDEE;[^\\r\\n]*PARTSTAT=ACCEPTED[^\\r\\n]*:mailto:${bob.email.replace(/\./g, '\\.')}\\r?$`, 'm'));

    const before = await sys.eventCount();
    expect(await smtp.send('thunderbird-accept', values)).toEqual({ code: 250, text: expect.stringContaining('already recorded') });
    expect(await sys.eventCount()).toBe(before);
    expect(await answerOf(eventID, bob.userID)).toBe('ACCEPTED');
    expect(await repliesToAnn(eventID)).toHaveLength(1);
  });

  it('Outlook: Carol’s "Accepted:" REPLY (base64, Windows zone names, X-MS-OLK props) is recorded and Ann is told', async () => {
    const { eventID, invitationOf: of } = await book();
    const invitation = await of(carol.email);
    const values = { REPLY_ADDRESS: invitation.replyAddress, ATTENDEE: carol.email, ATTENDEE_NAME: 'Carol Jones', UID: invitation.uid, SEQUENCE: invitation.sequence };
    expect((await smtp.send('outlook-accept', values)).code).toBe(250);
    await untilAnswered(eventID, carol.userID, 'ACCEPTED');
    await pollUntil(async () => (await repliesToAnn(eventID)).some((m) => /^Accepted: Planning/.test(m.subject)), { timeoutMs: 15_000, pollMs: 50, what: 'the REPLY mailed to Ann' });
  });

  it('Google Calendar: Dan, invited by address, answers tentatively: ExternalAttendeeResponded, shown among the attendees, Ann is told', async () => {
    const { eventID, invitationOf: of } = await book();
    const invitation = await of(dan);
    const values = { REPLY_ADDRESS: invitation.replyAddress, ATTENDEE: dan, UID: invitation.uid, SEQUENCE: invitation.sequence };
    expect((await smtp.send('gmail-tentative', values)).code).toBe(250);
    const { events } = await sys.store.readStream(calendarEventStreamName(eventID));
    expect(events.filter((e) => e.type === 'ExternalAttendeeResponded').map((e) => e.data)).toEqual([{ eventID, email: dan, rsvpStatus: 'TENTATIVE' }]);
    await pollUntil(async () => (await attendeesOf(eventID)).some((a) => a.email === dan && a.rsvpStatus === 'TENTATIVE'), { timeoutMs: 15_000, pollMs: 50, what: 'Dan TENTATIVE on GET /events/:id' });
    await pollUntil(async () => (await repliesToAnn(eventID)).some((m) => /^Tentatively accepted: Planning/.test(m.subject) && m.calendar.includes(`PARTSTAT=TENTATIVE:mailto:${dan}`)), { timeoutMs: 15_000, pollMs: 50, what: 'the REPLY mailed to Ann' });
  });

  it('Thunderbird declining one occurrence of a series: that occurrence only (RECURRENCE-ID → originalStart)', async () => {
    const { eventID, invitationOf: of } = await book({ recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] });
    const invitation = await of(bob.email);
    const values = {
      REPLY_ADDRESS: invitation.replyAddress, ATTENDEE: bob.email, UID: invitation.uid, SEQUENCE: invitation.sequence,
      RECURRENCE_ID: '20300611T100000', RECURRENCE_END: '20300611T110000',
    };
    expect((await smtp.send('thunderbird-occurrence-decline', values)).code).toBe(250);
    const { events } = await sys.store.readStream(calendarEventStreamName(eventID));
    expect(events.filter((e) => e.type === 'OccurrenceResponded').map((e) => e.data)).toEqual([{ eventID, userID: bob.userID, originalStart: '2030-06-11T08:00:00.000Z', rsvpStatus: 'DECLINED' }]);
    // Bob's calendar drops the declined occurrence and keeps the others, unanswered.
    await pollUntil(
      async () => {
        const month = await sys.http().get('/events?from=2030-06-01T00:00:00Z&to=2030-06-30T00:00:00Z').set(bob.auth);
        const listed = (month.body.events as { recurringEventID?: string; originalStartTime?: string; rsvpStatus: string }[]).filter((e) => e.recurringEventID === eventID);
        return listed.map((e) => `${e.originalStartTime} ${e.rsvpStatus}`).join(',') === ['04', '18', '25'].map((day) => `2030-06-${day}T08:00:00.000Z PENDING`).join(',');
      },
      { timeoutMs: 15_000, pollMs: 50, what: 'the occurrence of 11 June gone from Bob’s calendar, the others pending' },
    );
    await pollUntil(async () => (await repliesToAnn(eventID)).some((m) => /^Declined: Planning .*\(this occurrence\)$/.test(m.subject) && m.calendar.includes('RECURRENCE-ID;TZID=Europe/Berlin:20300611T100000')), {
      timeoutMs: 15_000, pollMs: 50, what: 'the REPLY for that occurrence mailed to Ann',
    });
    expect(await answerOf(eventID, bob.userID)).toBe('PENDING');
    // An occurrence the series does not have is refused.
    expect((await smtp.send('thunderbird-occurrence-decline', { ...values, RECURRENCE_ID: '20300612T100000' })).code).toBe(550);
    expect(await reasonFor('thunderbird-occurrence-decline', { ...values, RECURRENCE_ID: '20300612T100000' })).toBe('NO_SUCH_OCCURRENCE');
  });

  describe('refused (550) and never applied', () => {
    let eventID: string;
    let bobs: FixtureValues;
    let carols: FixtureValues;
    let before: number;
    beforeAll(async () => {
      const booked = await book();
      eventID = booked.eventID;
      const [toBob, toCarol] = [await booked.invitationOf(bob.email), await booked.invitationOf(carol.email)];
      bobs = { REPLY_ADDRESS: toBob.replyAddress, ATTENDEE: bob.email, UID: toBob.uid, SEQUENCE: toBob.sequence };
      carols = { REPLY_ADDRESS: toCarol.replyAddress, ATTENDEE: carol.email, UID: toCarol.uid, SEQUENCE: toCarol.sequence };
    });
    beforeEach(async () => {
      before = await sys.eventCount();
    });
    afterEach(async () => {
      expect(await sys.eventCount()).toBe(before);
      expect(await answerOf(eventID, bob.userID)).toBe('PENDING');
      expect(await answerOf(eventID, carol.userID)).toBe('PENDING');
    });

    it('Outlook’s "Propose New Time" (METHOD:COUNTER)', async () => {
      expect(await smtp.send('outlook-counter', carols)).toEqual({ code: 550, text: expect.stringContaining('proposing another time is not taken by mail') });
      expect(await reasonFor('outlook-counter', carols)).toBe('COUNTER_NOT_ACCEPTED');
    });

    it('a forged token: an address of the right form, made without the secret', async () => {
      const forged = replyAddresses({ secret: randomBytes(32).toString('base64url'), domain: DOMAIN }).addressFor(eventID, bob.email);
      expect((await smtp.send('thunderbird-accept', { ...bobs, REPLY_ADDRESS: forged })).code).toBe(550);
      expect(await reasonFor('thunderbird-accept', { ...bobs, REPLY_ADDRESS: forged })).toBe('FORGED_TOKEN');
    });

    it('the wrong attendee: Carol answering to the address made for Bob', async () => {
      expect((await smtp.send('thunderbird-accept', { ...carols, REPLY_ADDRESS: bobs.REPLY_ADDRESS })).code).toBe(550);
      expect(await reasonFor('thunderbird-accept', { ...carols, REPLY_ADDRESS: bobs.REPLY_ADDRESS })).toBe('WRONG_ATTENDEE');
    });

    it('an unknown event: a good token for an event that does not exist', async () => {
      const elsewhere = codec.addressFor(randomUUID(), bob.email);
      expect((await smtp.send('thunderbird-accept', { ...bobs, REPLY_ADDRESS: elsewhere })).code).toBe(550);
      expect(await reasonFor('thunderbird-accept', { ...bobs, REPLY_ADDRESS: elsewhere })).toBe('UNKNOWN_EVENT');
    });

    it('another event’s UID, a SEQUENCE never sent, a PARTSTAT that is no answer, and a message with no calendar part', async () => {
      expect((await smtp.send('thunderbird-accept', { ...bobs, UID: `${randomUUID()}@datebook` })).code).toBe(550);
      expect(await reasonFor('thunderbird-accept', { ...bobs, UID: `${randomUUID()}@datebook` })).toBe('UID_MISMATCH');
      expect(await reasonFor('thunderbird-accept', { ...bobs, SEQUENCE: bobs.SEQUENCE + 7 })).toBe('UNKNOWN_SEQUENCE');
      const delegated = Buffer.from(fixtureMessage('thunderbird-accept', bobs).toString('utf8').replace('PARTSTAT=ACCEPTED', 'PARTSTAT=DELEGATED'));
      expect((await smtp.sendRaw(delegated, bob.email, bobs.REPLY_ADDRESS)).code).toBe(550);
      expect(await reasonFor(delegated, bobs)).toBe('UNSUPPORTED_PARTSTAT');
      const plain = Buffer.from(`From: ${bob.email}\r\nTo: ${bobs.REPLY_ADDRESS}\r\nSubject: Re: Invitation\r\n\r\nSee you there!\r\n`);
      expect(await smtp.sendRaw(plain, bob.email, bobs.REPLY_ADDRESS)).toEqual({ code: 550, text: expect.stringContaining('calendar answers (iMIP REPLY) only') });
    });

    it('recipients that are no reply address of the domain are refused at RCPT TO (never a relay); a message over 1 MiB is refused whole', async () => {
      expect(await smtp.sendRaw(fixtureMessage('thunderbird-accept', bobs), bob.email, 'someone@example.com')).toEqual({ code: 550, text: expect.stringContaining('Relaying denied') });
      expect(await smtp.sendRaw(fixtureMessage('thunderbird-accept', bobs), bob.email, `reply+nothing@${DOMAIN}`)).toEqual({ code: 550, text: expect.stringContaining('No such mailbox') });
      const padding = `X-Padding: ${'x'.repeat(900)}\r\n`.repeat(1_200);
      const oversized = Buffer.concat([Buffer.from(padding), fixtureMessage('thunderbird-accept', bobs)]);
      expect((await smtp.sendRaw(oversized, bob.email, bobs.REPLY_ADDRESS)).code).toBe(552);
    });
  });

  it('a stale SEQUENCE: an answer to the invitation from before the event moved is refused; the one to the new invitation counts', async () => {
    const { eventID, invitationOf: of } = await book();
    const first = await of(bob.email);
    const moved = await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ startTime: '2030-06-04T14:00:00+02:00', endTime: '2030-06-04T15:00:00+02:00' });
    expect(moved.status).toBe(200);
    const second = await of(bob.email, first.sequence + 1);
    expect(second.sequence).toBeGreaterThan(first.sequence);
    expect(second.replyAddress).toBe(first.replyAddress);

    const stale = { REPLY_ADDRESS: first.replyAddress, ATTENDEE: bob.email, UID: first.uid, SEQUENCE: first.sequence };
    const before = await sys.eventCount();
    expect(await smtp.send('thunderbird-accept', stale)).toEqual({ code: 550, text: expect.stringContaining('answer the latest invitation') });
    expect(await reasonFor('thunderbird-accept', stale)).toBe('STALE_SEQUENCE');
    expect(await sys.eventCount()).toBe(before);

    expect((await smtp.send('thunderbird-accept', { ...stale, SEQUENCE: second.sequence })).code).toBe(250);
    await untilAnswered(eventID, bob.userID, 'ACCEPTED');
  });
});
