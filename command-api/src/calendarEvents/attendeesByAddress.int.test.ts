import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { messagesTo } from '../../../deploy/src/testing/accountMail';
import { startTestSystem, type TestSystem } from '../../../deploy/src/testing/testSystem';
import { addressRecipientID } from '../../../notifier/src/calendars/addressRecipientID';

type Person = Awaited<ReturnType<TestSystem['signUp']>>;
type Notification = { recipient: string; kind: string; status: string };

/** The iCalendar lines of a decoded message, unfolded (RFC 5545 §3.1). */
const unfolded = (message: string) => message.replace(/\r?\n[ \t]/g, '');
/** The messages to `address` whose calendar part has this iTIP method. */
const withMethod = (mailDir: string, address: string, method: 'REQUEST' | 'CANCEL') =>
  messagesTo(mailDir, address).map(unfolded).filter((message) => message.includes(`METHOD:${method}`));

/**
 * Invitations by e-mail over the whole embedded system: the command API sorts the addresses (an account
 * that confirmed its address is invited as that user, anyone else by e-mail), the query API lists them,
 * and the notifier mails each guest invited by address an iMIP REQUEST or CANCEL (RFC 6047), once.
 */
describe('inviting people by e-mail address', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  let ann: Person;
  let bob: Person;
  let vic: Person;
  const dan = 'dan@example.com';
  const eve = 'eve@example.com';
  const gus = 'gus@example.com';

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
    // Ann and Bob confirmed their addresses; Vic signed up and never did.
    [ann, bob, vic] = [await sys.signUp('ann'), await sys.signUp('bob'), await sys.signUp('vic', { verify: false })];
  }, 120_000);
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const notificationsOf = async (eventID: string): Promise<Notification[]> => {
    const res = await sys.http().get(`/events/${eventID}/notifications`).set(ann.auth);
    expect(res.status).toBe(200);
    return res.body.notifications;
  };
  /** Waits until the notifier recorded the e-mail of `kind` to `address` and every recorded message went out: the ledger is then final. */
  const settled = (eventID: string, address: string, kind: string) =>
    pollUntil(
      async () => {
        const all = await notificationsOf(eventID);
        return all.some((n) => n.recipient === addressRecipientID(address) && n.kind.startsWith(`${kind}@`)) && all.every((n) => n.status !== 'pending');
      },
      { timeoutMs: 15_000, pollMs: 50, what: `the ${kind} to ${address} recorded and everything sent` },
    );
  const ledgerTo = async (eventID: string, address: string) =>
    (await notificationsOf(eventID)).filter((n) => n.recipient === addressRecipientID(address)).map((n) => ({ kind: n.kind.replace(/@\d+$/, ''), status: n.status }));

  it('mails an address with no account an iMIP REQUEST, lists it as PENDING, invites an account by its confirmed address, cancels once', async () => {
    const booked = await sys.http().post('/events').set(ann.auth).send({
      title: 'Planning', startTime: '2030-06-04T10:00:00+02:00', endTime: '2030-06-04T11:00:00+02:00',
      // Bob by his address in another case, Vic by an address nobody confirmed, Ann by her own (changes nothing).
      attendees: [{ email: dan }, { email: bob.email.toUpperCase() }, { email: vic.email }, { email: ann.email }],
    });
    expect(booked.status).toBe(201);
    const { eventID } = booked.body;

    // Dan is mailed the invitation: a REQUEST that lists him as an attendee who has not answered yet.
    await settled(eventID, dan, 'invitation');
    const [request, ...moreRequests] = withMethod(sys.mailDir, dan, 'REQUEST');
    expect(moreRequests).toHaveLength(0);
    expect(request).toMatch(/^ATTENDEE;[^\r\n]*PARTSTAT=NEEDS-ACTION[^\r\n]*:mailto:dan@example\.com\r?$/m);
    expect(request).toMatch(/^ORGANIZER;[^\r\n]*:mailto:ann\./m);
    expect(request).toContain('ann invited you.');
    expect(request).toContain('Answer in your calendar; your answer goes to the organizer.');

    // The attendee list: the host and Bob as users, Dan and Vic's address as guests by e-mail; Ann's own address added no one.
    const read = await sys.http().get(`/events/${eventID}`).set(ann.auth).set('X-Consistency-Token', booked.body.consistencyToken);
    expect(read.status).toBe(200);
    expect(read.body.attendees).toEqual(expect.arrayContaining([
      expect.objectContaining({ userID: ann.userID, rsvpStatus: 'ACCEPTED' }),
      expect.objectContaining({ userID: bob.userID, rsvpStatus: 'PENDING' }),
      { email: dan, rsvpStatus: 'PENDING', optional: false },
      { email: vic.email.toLowerCase(), rsvpStatus: 'PENDING', optional: false },
    ]));
    expect(read.body.attendees).toHaveLength(4);

    // Bob's invitation is in his own view, as if he had been invited by userID.
    const bobsWeek = await sys.http().get('/events?from=2030-06-03T00:00:00Z&to=2030-06-10T00:00:00Z').set(bob.auth).set('X-Consistency-Token', booked.body.consistencyToken);
    expect(bobsWeek.body.events).toEqual([expect.objectContaining({ eventID, rsvpStatus: 'PENDING' })]);

    // Eve by invitation, optional; inviting her again changes nothing.
    const invited = await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees: [{ email: 'Eve@Example.com', optional: true }] });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ invitedUserIDs: [], invitedEmails: [eve] });
    const again = await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees: [{ email: eve }] });
    expect(again.body).toMatchObject({ invitedUserIDs: [], invitedEmails: [], version: invited.body.version });
    await settled(eventID, eve, 'invitation');
    expect(withMethod(sys.mailDir, eve, 'REQUEST')[0]).toMatch(/^ATTENDEE;[^\r\n]*ROLE=OPT-PARTICIPANT[^\r\n]*:mailto:eve@example\.com\r?$/m);

    // A change that leaves Dan out of the addresses and names Gus removes Dan (Bob, invited as a user, stays) and
    // invites Gus in one command: Dan is mailed a CANCEL, Gus a REQUEST.
    const changed = await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ attendees: [{ email: eve, optional: true }, { email: vic.email }, { email: gus }] });
    expect(changed.status).toBe(200);
    await settled(eventID, dan, 'cancellation');
    await settled(eventID, gus, 'invitation');
    const afterChange = await sys.http().get(`/events/${eventID}`).set(ann.auth).set('X-Consistency-Token', changed.body.consistencyToken);
    expect(afterChange.body.attendees.map((a: { userID?: string; email?: string }) => a.email ?? a.userID)).toEqual([ann.userID, bob.userID].sort().concat([eve, gus, vic.email.toLowerCase()]));

    // Cancelling the event mails a CANCEL to the guests by address still on it, not again to Dan.
    const cancelled = await sys.http().delete(`/events/${eventID}`).set(ann.auth);
    expect(cancelled.status).toBe(204);
    await settled(eventID, eve, 'cancellation');

    expect(await ledgerTo(eventID, dan)).toEqual([{ kind: 'invitation', status: 'sent' }, { kind: 'cancellation', status: 'sent' }]);
    expect(await ledgerTo(eventID, eve)).toEqual([{ kind: 'invitation', status: 'sent' }, { kind: 'cancellation', status: 'sent' }]);
    expect(await ledgerTo(eventID, gus)).toEqual([{ kind: 'invitation', status: 'sent' }, { kind: 'cancellation', status: 'sent' }]);
    expect(withMethod(sys.mailDir, dan, 'REQUEST')).toHaveLength(1);
    expect(withMethod(sys.mailDir, dan, 'CANCEL')).toHaveLength(1);
    expect(withMethod(sys.mailDir, dan, 'CANCEL')[0]).toContain('ann removed you from this event.');
    expect(withMethod(sys.mailDir, eve, 'CANCEL')).toHaveLength(1);
    expect(withMethod(sys.mailDir, eve, 'CANCEL')[0]).toContain('ann cancelled this event.');
    expect(withMethod(sys.mailDir, eve, 'CANCEL')[0]).toMatch(/^STATUS:CANCELLED\r?$/m);
  });

  it('records without mailing an invitation by address from someone who never confirmed their own address', async () => {
    const fay = 'fay@example.com';
    const booked = await sys.http().post('/events').set(vic.auth).send({ title: 'Offers', startTime: '2030-06-07T10:00:00Z', endTime: '2030-06-07T11:00:00Z', attendees: [{ email: fay }] });
    expect(booked.status).toBe(201);
    let toFay: { status: string; lastError: string | null }[] = [];
    await pollUntil(
      async () => {
        const res = await sys.http().get(`/events/${booked.body.eventID}/notifications`).set(vic.auth);
        toFay = res.body.notifications.filter((n: Notification) => n.recipient === addressRecipientID(fay));
        return toFay.length > 0;
      },
      { timeoutMs: 15_000, pollMs: 50, what: 'the invitation to fay recorded' },
    );
    expect(toFay).toMatchObject([{ status: 'skipped', lastError: 'SENDER_UNVERIFIED' }]);
    expect(messagesTo(sys.mailDir, fay)).toEqual([]);
  });

  describe('refuses bad input, appending nothing', () => {
    let eventID: string;
    let before: number;
    beforeAll(async () => {
      const booked = await sys.http().post('/events').set(ann.auth).send({ title: 'Review', startTime: '2030-06-05T10:00:00Z', endTime: '2030-06-05T11:00:00Z' });
      eventID = booked.body.eventID;
    });
    beforeEach(async () => {
      before = await sys.eventCount();
    });
    afterEach(async () => {
      expect(await sys.eventCount()).toBe(before);
    });

    const problem = (res: { status: number; body: { code: string; errors?: { path: string }[] } }) => ({ status: res.status, code: res.body.code, paths: res.body.errors?.map((e) => e.path) });

    it('names an invalid address by its place in attendees, on every route that takes them', async () => {
      const attendees = [{ email: dan }, { email: 'not an address' }];
      const refused = { status: 400, code: 'VALIDATION_FAILED', paths: ['attendees.1.email'] };
      expect(problem(await sys.http().post('/events').set(ann.auth).send({ title: 'x', startTime: '2030-06-06T10:00:00Z', endTime: '2030-06-06T11:00:00Z', attendees }))).toEqual(refused);
      expect(problem(await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ attendees }))).toEqual(refused);
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees }))).toEqual(refused);
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees: [{ email: 'Dan <dan@example.com>' }] }))).toEqual({ ...refused, paths: ['attendees.0.email'] });
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees: [{ email: dan, role: 'chair' }] }))).toEqual({ ...refused, paths: ['attendees.0.role'] });
    });

    it('refuses more than 500 attendees, and an invitation that names nobody', async () => {
      const many = Array.from({ length: 501 }, (_, i) => ({ email: `guest${i}@example.com` }));
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ attendees: many }))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', paths: ['attendees'] });
      expect(problem(await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ attendees: many }))).toMatchObject({ status: 400, paths: ['attendees'] });
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({}))).toMatchObject({ status: 400, paths: ['userIDs'] });
    });

    it('lets no one but writers of its calendar invite by address', async () => {
      expect(problem(await sys.http().post(`/events/${eventID}/invitations`).set(bob.auth).send({ attendees: [{ email: dan }] }))).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
    });
  });
});
