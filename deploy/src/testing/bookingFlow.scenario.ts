import { encodeConsistencyToken } from '@datebook/shared-kernel';
import jwt from 'jsonwebtoken';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { linkTokenMailedTo, messagesTo } from './accountMail';
import { expectNothingAppended, startTestSystem, TEST_PASSWORD, type TestSystem } from './testSystem';

/**
 * The seed's whole booking flow through the public HTTP API, run against each database the
 * single-process system supports. `open` gives a fresh database; `close` releases it.
 */
export function bookingFlowScenario(label: string, open: () => Promise<SqlDatabase>, close: (db: SqlDatabase) => Promise<void>): void {
  describe(`booking flow over HTTP on ${label}`, () => {
    let db: SqlDatabase;
    let sys: TestSystem;
    let host: Awaited<ReturnType<TestSystem['signUp']>>;
    let ann: typeof host;
    let bob: typeof host;
    let carl: typeof host;

    beforeAll(async () => {
      db = await open();
      sys = await startTestSystem(db, { consistencyTimeoutMs: 3000 });
      [host, ann, bob, carl] = await Promise.all([sys.signUp('host'), sys.signUp('ann'), sys.signUp('bob'), sys.signUp('carl')]);
    });
    afterAll(async () => {
      await sys.stop();
      await close(db);
    });

    const book = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      sys.http().post('/events').set(host.auth).set(headers).send({
        title: 'Planning', startTime: '2030-06-05T09:00:00+02:00', endTime: '2030-06-05T10:00:00+02:00', timeZone: 'Europe/Berlin', ...body,
      });
    const view = (user: typeof host, query: Record<string, string>, token?: string) =>
      sys.http().get('/events').set(user.auth).set(token ? { 'X-Consistency-Token': token } : {}).query(query);

    describe('accounts and sessions', () => {
      it('answers a sign-up with a taken address, in any letter case, as one with a new address, and mails the owner instead', async () => {
        const fresh = await sys.http().post('/users').send({ userName: 'x', email: `fresh.${Date.now()}@example.com`, password: 'another password' });
        const taken = await sys.http().post('/users').send({ userName: 'x', email: host.email.toUpperCase(), password: 'another password' });
        expect([taken.status, taken.body]).toEqual([fresh.status, fresh.body]);
        expect(taken.status).toBe(202);
        await pollUntil(() => messagesTo(sys.mailDir, host.email).some((m) => /^Subject: Someone tried to sign up/m.test(m)), { timeoutMs: 10_000, pollMs: 25, what: 'the "someone tried to sign up" mail' });
        expect((await sys.http().post('/sessions').send({ email: host.email, password: 'another password' })).status).toBe(401);
        expect((await sys.http().post('/sessions').send({ email: host.email, password: TEST_PASSWORD })).status).toBe(200);
      });
      it('verifies an address through its mailed link, which works once', async () => {
        expect((await sys.http().get('/users/me').set(host.auth)).body.emailVerified).toBe(true);
        const used = await sys.http().post(`/users/verify-email/${await linkTokenMailedTo(sys.mailDir, host.email, '/users/verify-email/')}`);
        expect(used.status).toBe(400);
        expect(used.body).toMatchObject({ code: 'INVALID_LINK', errors: [{ path: 'token' }] });
        const unverified = await sys.signUp('unverified', { verify: false });
        expect((await sys.http().get('/users/me').set(unverified.auth)).body.emailVerified).toBe(false);
      });
      it('mails an unverified address nothing but account mail: its invitation is recorded as skipped', async () => {
        const dave = await sys.signUp('dave', { verify: false });
        const booked = await sys.http().post('/events').set(host.auth).send({ title: 'Verified only', startTime: '2031-02-03T09:00:00Z', endTime: '2031-02-03T10:00:00Z', invitedUserIDs: [ann.userID, dave.userID] });
        expect(booked.status).toBe(201);
        let ledger: { recipient: string; status: string }[] = [];
        await pollUntil(async () => {
          const res = await sys.http().get(`/events/${booked.body.eventID}/notifications`).set(host.auth);
          ledger = (res.body.notifications ?? []).filter((n: { channel: string; kind: string }) => n.channel === 'email' && n.kind.startsWith('invitation'));
          return ledger.length === 2;
        }, { timeoutMs: 10_000, pollMs: 25, what: () => `both invitation mails in the ledger (last: ${JSON.stringify(ledger)})` });
        expect(ledger.find((n: { recipient: string }) => n.recipient === dave.userID)).toMatchObject({ status: 'skipped', lastError: 'UNVERIFIED_ADDRESS' });
        expect(ledger.find((n: { recipient: string }) => n.recipient === ann.userID)?.status).not.toBe('skipped');
        expect(messagesTo(sys.mailDir, dave.email).every((m) => /^Subject: Confirm your e-mail address/m.test(m))).toBe(true);
        expect((await sys.http().delete(`/events/${booked.body.eventID}`).set(host.auth)).status).toBe(204);
      });
      it('resets a password through the mailed single-use link, which signs out every session', async () => {
        const erin = await sys.signUp('erin');
        const unknown = await sys.http().post('/password-resets').send({ email: `nobody.${Date.now()}@example.com` });
        const asked = await sys.http().post('/password-resets').send({ email: erin.email });
        expect([asked.status, asked.body]).toEqual([unknown.status, unknown.body]);
        expect(asked.status).toBe(202);
        const link = await linkTokenMailedTo(sys.mailDir, erin.email, '/password-resets/');
        const weak = await sys.http().post(`/password-resets/${link}`).send({ newPassword: 'password123' });
        expect(weak.body).toMatchObject({ status: 400, errors: [{ path: 'newPassword' }] });
        expect((await sys.http().post(`/password-resets/${link}`).send({ newPassword: 'a brand new passphrase' })).status).toBe(204);
        expect((await sys.http().get('/events').set(erin.auth)).status).toBe(401);
        expect((await sys.http().get('/users/me').set(erin.auth)).status).toBe(401);
        expect((await sys.http().post(`/password-resets/${link}`).send({ newPassword: 'yet another passphrase' })).body.code).toBe('INVALID_LINK');
        expect((await sys.http().post('/sessions').send({ email: erin.email, password: TEST_PASSWORD })).status).toBe(401);
        expect((await sys.http().post('/sessions').send({ email: erin.email, password: 'a brand new passphrase' })).status).toBe(200);
      });
      it('signs out one session, every other session on a password change, or all of them', async () => {
        const fay = await sys.signUp('fay');
        const signIn = async (password = TEST_PASSWORD) => ({ Authorization: `Bearer ${(await sys.http().post('/sessions').send({ email: fay.email, password })).body.token}` });
        const [second, third] = [await signIn(), await signIn()];
        expect((await sys.http().delete('/sessions/current').set(fay.auth)).status).toBe(204);
        // Refused by the query side's hot routes, the Express routes and the notifier alike.
        expect((await sys.http().get('/events').set(fay.auth)).status).toBe(401);
        expect((await sys.http().get('/users/me').set(fay.auth)).status).toBe(401);
        expect((await sys.http().get('/sync').set(fay.auth)).status).toBe(401);
        expect((await sys.http().get('/events').set(second).query({ view: 'DAILY', date: '2030-06-05' })).status).toBe(200);
        const wrong = await sys.http().post('/users/me/password').set(second).send({ currentPassword: 'not my password', newPassword: 'a new passphrase here' });
        expect(wrong.body).toMatchObject({ code: 'WRONG_PASSWORD', errors: [{ path: 'currentPassword' }] });
        expect((await sys.http().post('/users/me/password').set(second).send({ currentPassword: TEST_PASSWORD, newPassword: 'a new passphrase here' })).status).toBe(204);
        expect((await sys.http().get('/users/me').set(second)).status).toBe(200);
        expect((await sys.http().get('/users/me').set(third)).status).toBe(401);
        const fourth = await signIn('a new passphrase here');
        expect((await sys.http().delete('/sessions').set(second)).status).toBe(204);
        expect((await sys.http().get('/users/me').set(second)).status).toBe(401);
        expect((await sys.http().get('/events').set(fourth).query({ view: 'DAILY', date: '2030-06-05' })).status).toBe(401);
      });
      it('refuses a wrong password and an unknown address alike', async () => {
        const wrong = await sys.http().post('/sessions').send({ email: host.email, password: 'not the password' });
        const unknown = await sys.http().post('/sessions').send({ email: 'nobody@example.com', password: 'whatever1' });
        expect([wrong.status, unknown.status]).toEqual([401, 401]);
        expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      });
      it('needs a valid, unexpired bearer token', async () => {
        expect((await sys.http().get('/events')).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
        expect((await sys.http().get('/events').set('Authorization', 'Bearer nonsense')).status).toBe(401);
        const expired = jwt.sign({ sub: host.userID, iat: 1000, exp: 2000 }, sys.secret, { algorithm: 'HS256', issuer: 'datebook' });
        const res = await sys.http().get('/events').set('Authorization', `Bearer ${expired}`);
        expect(res.status).toBe(401);
        expect(res.body.detail).toMatch(/expired/);
        const forged = jwt.sign({ sub: host.userID }, 'some other secret of enough length!!', { algorithm: 'HS256', issuer: 'datebook' });
        expect((await sys.http().post('/events').set('Authorization', `Bearer ${forged}`).send({})).status).toBe(401);
      });
    });

    describe('settings', () => {
      it('shows and changes the profile; the preferred zone decides which week a view shows', async () => {
        const me = await sys.http().get('/users/me').set(carl.auth);
        expect(me.body).toMatchObject({ userID: carl.userID, userName: 'carl', timeZone: 'UTC', defaultReminders: [{ method: 'email', minutes: 10 }], workingHours: null });
        const changed = await sys.http().patch('/users/me').set(carl.auth).send({ timeZone: 'Pacific/Auckland', defaultReminders: [{ method: 'push', minutes: 15 }], workingHours: [{ day: 1, start: '08:00', end: '12:00' }] });
        expect(changed.status).toBe(200);
        expect(changed.body).toMatchObject({ timeZone: 'Pacific/Auckland', defaultReminders: [{ method: 'push', minutes: 15 }] });
        const week = await view(carl, { view: 'DAILY', date: '2030-01-01' }, changed.headers['x-consistency-token'] as string);
        expect(week.body).toMatchObject({ timeZone: 'Pacific/Auckland', from: '2029-12-31T11:00:00.000Z' });
        const bad = await sys.http().patch('/users/me').set(carl.auth).send({ timeZone: 'Nowhere/City', workingHours: [{ day: 8, start: '9', end: '17:00' }] });
        expect(bad.status).toBe(400);
        expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['timeZone', 'workingHours.0.day', 'workingHours.0.start']));
        const backwards = await sys.http().patch('/users/me').set(carl.auth).send({ workingHours: [{ day: 2, start: '17:00', end: '09:00' }] });
        expect(backwards.body.errors).toEqual([expect.objectContaining({ path: 'workingHours.0.end' })]);
        const again = await sys.http().patch('/users/me').set(carl.auth).send({ timeZone: 'UTC' });
        expect(again.body.timeZone).toBe('UTC');
      });

      it('keeps reminders per attendee on an event, in its history', async () => {
        const booked = await book({ title: 'Reminded', invitedUserIDs: [ann.userID], reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 60 }] } });
        expect(booked.status).toBe(201);
        const annSets = await sys.http().patch(`/events/${booked.body.eventID}/invitations`).set(ann.auth).send({ reminders: { useDefault: false, overrides: [{ method: 'push', minutes: 5 }] } });
        expect(annSets.status).toBe(200);
        const tooMany = await sys.http().patch(`/events/${booked.body.eventID}/invitations`).set(ann.auth)
          .send({ reminders: { useDefault: false, overrides: Array.from({ length: 6 }, () => ({ method: 'email', minutes: 1 })) } });
        expect(tooMany.body.errors).toEqual([expect.objectContaining({ path: 'reminders.overrides' })]);
        const history = await sys.http().get(`/events/${booked.body.eventID}/history`).set(host.auth);
        expect(history.body.history.filter((h: { type: string }) => h.type === 'RemindersChanged').map((h: { data: unknown }) => h.data)).toEqual([
          { eventID: booked.body.eventID, userID: host.userID, useDefault: false, overrides: [{ method: 'email', minutes: 60 }] },
          { eventID: booked.body.eventID, userID: ann.userID, useDefault: false, overrides: [{ method: 'push', minutes: 5 }] },
        ]);
        const cancelled = await sys.http().delete(`/events/${booked.body.eventID}`).set(host.auth);
        expect(cancelled.status).toBe(204);
        // Later steps book the same slot: let the views see this one gone first.
        await view(host, {}, cancelled.headers['x-consistency-token'] as string);
      });
    });

    describe('booking, viewing, answering, changing and cancelling', () => {
      let eventID: string;
      let token: string;

      it('books an event with invitees', async () => {
        const res = await book({ location: 'Room 4', invitedUserIDs: [ann.userID, bob.userID] });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ eventID: expect.any(String), version: 3, consistencyToken: expect.any(String), conflicts: [] });
        expect(res.headers.location).toBe(`/events/${res.body.eventID}`);
        ({ eventID, consistencyToken: token } = res.body);
      });

      it('shows it to the host (accepted) and invitees (pending) in day, week and month views', async () => {
        const week = await view(host, { view: 'WEEKLY', date: '2030-06-07', timeZone: 'Europe/Berlin' }, token);
        expect(week.status).toBe(200);
        expect(week.body.from).toBe('2030-06-02T22:00:00.000Z');
        expect(week.body.events).toEqual([
          {
            eventID, userID: host.userID, title: 'Planning', startTime: '2030-06-05T07:00:00.000Z', endTime: '2030-06-05T08:00:00.000Z',
            timeZone: 'Europe/Berlin', location: 'Room 4', rsvpStatus: 'ACCEPTED', allDay: false, calendarID: host.userID, accessRole: 'owner',
          },
        ]);
        const day = await view(ann, { view: 'DAILY', date: '2030-06-05', timeZone: 'Europe/Berlin' });
        expect(day.body.events.map((e: { rsvpStatus: string }) => e.rsvpStatus)).toEqual(['PENDING']);
        const month = await view(bob, { view: 'monthly', date: '2030-06-30' });
        expect(month.body.events).toHaveLength(1);
        const otherDay = await view(ann, { view: 'DAILY', date: '2030-06-06', timeZone: 'Europe/Berlin' });
        expect(otherDay.body.events).toEqual([]);
        const window = await view(ann, { from: '2030-06-05T07:30:00Z', to: '2030-06-05T07:31:00Z' });
        expect(window.body.events).toHaveLength(1);
        expect((await view(carl, { view: 'MONTHLY', date: '2030-06-01' })).body.events).toEqual([]);
      });

      it('shows the event with its attendees to people on it, and to nobody else', async () => {
        const res = await sys.http().get(`/events/${eventID}`).set(ann.auth);
        expect(res.status).toBe(200);
        expect(res.headers.etag).toBe('"3"');
        expect(res.body.attendees).toEqual(
          expect.arrayContaining([
            { userID: host.userID, userName: 'host', rsvpStatus: 'ACCEPTED' },
            { userID: ann.userID, userName: 'ann', rsvpStatus: 'PENDING' },
          ]),
        );
        expect((await sys.http().get(`/events/${eventID}`).set(carl.auth)).status).toBe(404);
        expect((await sys.http().get(`/events/${eventID}/history`).set(carl.auth)).status).toBe(404);
      });

      it('answers availability: busy while pending or accepted, free otherwise, without details', async () => {
        const during = { startTime: '2030-06-05T07:30:00Z', endTime: '2030-06-05T08:30:00Z' };
        const one = await sys.http().patch('/events/availability').set(host.auth).set('X-Consistency-Token', token).send({ userID: ann.userID, ...during });
        expect(one.body).toEqual({ available: false });
        const many = await sys.http().patch('/events/availability').set(host.auth).send({ userIDs: [ann.userID, carl.userID], ...during });
        expect(many.body).toEqual({ users: [{ userID: ann.userID, available: false }, { userID: carl.userID, available: true }] });
        const touching = await sys.http().patch('/events/availability').set(host.auth).send({ userID: ann.userID, startTime: '2030-06-05T08:00:00Z', endTime: '2030-06-05T09:00:00Z' });
        expect(touching.body).toEqual({ available: true });
      });

      it('lets the host invite more people; re-inviting is a no-op; others may not invite', async () => {
        const first = await sys.http().post(`/events/${eventID}/invitations`).set(host.auth).send({ userIDs: [carl.userID, ann.userID] });
        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({ invitedUserIDs: [carl.userID], version: 4 });
        const again = await sys.http().post(`/events/${eventID}/invitations`).set(host.auth).send({ userIDs: [carl.userID] });
        expect(again.body).toMatchObject({ invitedUserIDs: [], version: 4 });
        const byAnn = await sys.http().post(`/events/${eventID}/invitations`).set(ann.auth).send({ userIDs: [bob.userID] });
        expect(byAnn.status).toBe(403);
        expect(byAnn.body.code).toBe('NOT_HOST');
      });

      it('records answers; the same answer twice changes nothing; a decline frees the invitee', async () => {
        const accept = await sys.http().patch(`/events/${eventID}/invitations`).set(ann.auth).send({ response: 'ACCEPT' });
        expect(accept.body).toMatchObject({ rsvpStatus: 'ACCEPTED', version: 5 });
        const twice = await sys.http().patch(`/events/${eventID}/invitations`).set(ann.auth).send({ response: 'ACCEPT' });
        expect(twice.body).toMatchObject({ rsvpStatus: 'ACCEPTED', version: 5 });
        const decline = await sys.http().patch(`/events/${eventID}/invitations`).set(bob.auth).send({ response: 'DECLINE' });
        expect(decline.body).toMatchObject({ rsvpStatus: 'DECLINED', version: 6 });
        const bobsWeek = await view(bob, { view: 'WEEKLY', date: '2030-06-05' }, decline.body.consistencyToken);
        expect(bobsWeek.body.events).toEqual([]);
        // With the token: without it availability may answer from views a moment behind the decline.
        const free = await sys.http().patch('/events/availability').set(host.auth).set('X-Consistency-Token', decline.body.consistencyToken)
          .send({ userID: bob.userID, startTime: '2030-06-05T07:00:00Z', endTime: '2030-06-05T08:00:00Z' });
        expect(free.body).toEqual({ available: true });
        const byHost = await sys.http().patch(`/events/${eventID}/invitations`).set(host.auth).send({ response: 'DECLINE' });
        expect(byHost.status).toBe(403);
        const byStranger = await sys.http().patch(`/events/${eventID}/invitations`).set(host.auth).send({ response: 'MAYBE' });
        expect(byStranger.body).toMatchObject({ status: 400, errors: [{ path: 'response' }] });
      });

      it('changes the event for the host, refusing a stale If-Match with 412', async () => {
        const stale = await sys.http().put(`/events/${eventID}`).set(host.auth).set('If-Match', '"3"').send({ title: 'Stale' });
        expect(stale.status).toBe(412);
        const res = await sys.http().put(`/events/${eventID}`).set(host.auth).set('If-Match', '"6"')
          .send({ startTime: '2030-06-06T09:00:00+02:00', endTime: '2030-06-06T11:00:00+02:00', title: 'Planning (moved)', invitedUserIDs: [ann.userID, carl.userID] });
        expect(res.status).toBe(200);
        expect(res.body.version).toBe(9);
        expect(res.headers.etag).toBe('"9"');
        const annsDay = await view(ann, { view: 'DAILY', date: '2030-06-06', timeZone: 'Europe/Berlin' }, res.body.consistencyToken);
        expect(annsDay.body.events).toMatchObject([{ title: 'Planning (moved)', startTime: '2030-06-06T07:00:00.000Z', endTime: '2030-06-06T09:00:00.000Z' }]);
        expect((await sys.http().get(`/events/${eventID}`).set(bob.auth)).status).toBe(404);
        const byAnn = await sys.http().put(`/events/${eventID}`).set(ann.auth).send({ title: 'Mine now' });
        expect(byAnn.status).toBe(403);
        const badRange = await sys.http().put(`/events/${eventID}`).set(host.auth).send({ endTime: '2030-06-06T08:00:00+02:00' });
        expect(badRange.body).toMatchObject({ status: 400, code: 'INVALID_TIME_RANGE', errors: [{ path: 'endTime' }] });
      });

      it('cancels: gone from views and availability, details say cancelled, history stays complete', async () => {
        const before = await sys.eventCount();
        const byAnn = await sys.http().delete(`/events/${eventID}`).set(ann.auth);
        expect(byAnn.status).toBe(403);
        expect(await sys.eventCount()).toBe(before);
        const res = await sys.http().delete(`/events/${eventID}`).set(host.auth);
        expect(res.status).toBe(204);
        const cancelToken = res.headers['x-consistency-token'] as string;
        expect((await view(ann, { view: 'DAILY', date: '2030-06-06', timeZone: 'Europe/Berlin' }, cancelToken)).body.events).toEqual([]);
        const availability = await sys.http().patch('/events/availability').set(host.auth).set('X-Consistency-Token', cancelToken)
          .send({ userID: ann.userID, startTime: '2030-06-06T07:00:00Z', endTime: '2030-06-06T09:00:00Z' });
        expect(availability.body).toEqual({ available: true });
        expect((await sys.http().get(`/events/${eventID}`).set(ann.auth)).body.status).toBe('cancelled');
        const history = await sys.http().get(`/events/${eventID}/history`).set(ann.auth);
        expect(history.body.history.map((h: { type: string }) => h.type)).toEqual([
          'CalendarEventScheduled', 'AttendeeInvited', 'AttendeeInvited', 'AttendeeInvited', 'InvitationAccepted', 'InvitationDeclined',
          'CalendarEventRescheduled', 'CalendarEventDetailsChanged', 'AttendeeUninvited', 'CalendarEventCancelled',
        ]);
        expect(history.body.history[0]).toMatchObject({ version: 1, who: host.userID, data: { title: 'Planning' } });
        expect(history.body.history[4]).toMatchObject({ who: ann.userID });
        // Bob was removed from the event: its history (changes after he left included) is no longer his to read.
        const bobsHistory = await sys.http().get(`/events/${eventID}/history`).set(bob.auth);
        expect(bobsHistory.status).toBe(404);
        expect(bobsHistory.body.code).toBe('EVENT_NOT_FOUND');
        const again = await sys.http().delete(`/events/${eventID}`).set(host.auth);
        expect(again.status).toBe(204);
        const rsvpAfter = await sys.http().patch(`/events/${eventID}/invitations`).set(ann.auth).send({ response: 'DECLINE' });
        expect(rsvpAfter.body.code).toBe('EVENT_CANCELLED');
      });
    });

    describe('retries and consistency', () => {
      it('returns the first result for a retried create with the same Idempotency-Key', async () => {
        const key = `key-${Date.now()}`;
        const first = await book({ title: 'Once' }, { 'Idempotency-Key': key });
        const second = await book({ title: 'Once' }, { 'Idempotency-Key': key });
        expect(second.status).toBe(201);
        expect(second.body.eventID).toBe(first.body.eventID);
        expect(second.body.version).toBe(first.body.version);
        const list = await view(host, { from: '2030-06-05T00:00:00Z', to: '2030-06-06T00:00:00Z' }, second.body.consistencyToken);
        expect(list.body.events.filter((e: { title: string }) => e.title === 'Once')).toHaveLength(1);
      });

      it('takes a client-chosen eventID, and refuses it to another host', async () => {
        const eventID = crypto.randomUUID();
        expect((await book({ eventID })).status).toBe(201);
        const theft = await sys.http().post('/events').set(ann.auth).send({ eventID, title: 'x', startTime: '2030-01-01T00:00:00Z', endTime: '2030-01-01T01:00:00Z' });
        expect(theft.status).toBe(409);
      });

      it('answers 503 with Retry-After when the views cannot reach a token in time', async () => {
        const unreached = encodeConsistencyToken({ streamName: `CalendarEvent-${crypto.randomUUID()}`, version: 99 });
        const res = await view(host, {}, unreached);
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect((await view(host, {}, 'not-a-token')).status).toBe(400);
      }, 10_000);

      it('lets only one of several concurrent rejectOnConflict bookings of one free slot through', async () => {
        const slot = { startTime: '2032-01-05T09:00:00Z', endTime: '2032-01-05T10:00:00Z', rejectOnConflict: true };
        const before = await sys.eventCount();
        const results = await Promise.all([1, 2, 3, 4].map((n) => sys.http().post('/events').set(carl.auth).send({ title: `race ${n}`, ...slot })));
        expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
        // The winner appended its reservation (in the two reservation windows around its time) and its event; the refused ones nothing.
        expect(await sys.eventCount()).toBe(before + 3);
      });

      it('lets only one of several concurrent edits with the same If-Match through', async () => {
        const created = await book({ title: 'Contended' });
        const edits = await Promise.all(
          ['A', 'B', 'C'].map((t) => sys.http().put(`/events/${created.body.eventID}`).set(host.auth).set('If-Match', `"${created.body.version}"`).send({ title: t })),
        );
        expect(edits.map((e) => e.status).sort()).toEqual([200, 412, 412]);
      });
    });

    describe('bad input changes nothing', () => {
      expectNothingAppended(() => sys);

      it.each([
        ['malformed JSON', '{"title": ', 'application/json', 400, 'MALFORMED_JSON'],
        ['a wrong content type', 'title=x', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['a body over 1 MB', JSON.stringify({ title: 'x'.repeat(1_100_000) }), 'application/json', 413, 'PAYLOAD_TOO_LARGE'],
      ])('answers %s with a problem', async (_name, body, type, status, code) => {
        const res = await sys.http().post('/events').set(host.auth).set('Content-Type', type).send(body);
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      });

      it.each([
        ['an end before the start', { endTime: '2030-06-05T08:00:00+02:00' }, 400, 'endTime'],
        ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 400, 'timeZone'],
        ['a time without offset and without timeZone', { startTime: '2030-06-05T09:00:00', timeZone: undefined }, 400, 'startTime'],
        ['a start that is no time', { startTime: 'tomorrow at nine' }, 400, 'startTime'],
        ['an impossible date', { startTime: '2030-02-30T09:00:00Z' }, 400, 'startTime'],
        ['a bad duration', { endTime: undefined, duration: 'an hour' }, 400, 'duration'],
        ['a broken rule', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3;UNTIL=20301231T000000Z'] }, 400, 'recurrence.0'],
        ['a missing title', { title: undefined }, 400, 'title'],
        ['an invitee who is not a user', { invitedUserIDs: ['00000000-0000-4000-8000-000000000000'] }, 422, 'invitedUserIDs.0'],
        ['an invitee id that is not a UUID', { invitedUserIDs: ['bob'] }, 400, 'invitedUserIDs.0'],
      ])('refuses %s, naming the field', async (_name, patch, status, path) => {
        const res = await book(patch);
        expect(res.status).toBe(status);
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      });

      it('answers unknown events with 404 and malformed ids with 400', async () => {
        const missing = '00000000-0000-4000-8000-000000000001';
        expect((await sys.http().put(`/events/${missing}`).set(host.auth).send({ title: 'x' })).status).toBe(404);
        expect((await sys.http().delete(`/events/${missing}`).set(host.auth)).status).toBe(404);
        expect((await sys.http().get(`/events/${missing}`).set(host.auth)).status).toBe(404);
        expect((await sys.http().get('/events/not-an-id').set(host.auth)).status).toBe(400);
        expect((await sys.http().get('/nowhere').set(host.auth)).body.code).toBe('ROUTE_NOT_FOUND');
      });

      it('refuses a malformed If-Match and a window that is not one', async () => {
        const created = await sys.http().put('/events/00000000-0000-4000-8000-000000000001').set(host.auth).set('If-Match', 'yesterday').send({ title: 'x' });
        expect(created.body.errors).toEqual([expect.objectContaining({ path: 'If-Match' })]);
        expect((await view(host, { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' })).status).toBe(400);
        expect((await view(host, { from: '2030-01-02T00:00:00Z' })).body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
        expect((await view(host, { view: 'YEARLY' })).body.errors).toEqual([expect.objectContaining({ path: 'view' })]);
      });
    });

    it('serves health, readiness and an OpenAPI 3.1 document of every route', async () => {
      expect((await sys.http().get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await sys.http().get('/readyz')).status).toBe(200);
      const doc = (await sys.http().get('/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/users', '/sessions', '/events', '/events/{eventID}', '/events/availability', '/events/{eventID}/invitations', '/events/{eventID}/history']));
      expect(Object.keys(doc.paths['/events'])).toEqual(expect.arrayContaining(['get', 'post']));
      const booking = doc.paths['/events'].post.requestBody.content['application/json'].schema;
      expect(booking.required).toEqual(['title']);
      expect(Object.keys(booking.properties)).toEqual(expect.arrayContaining(['startTime', 'endTime', 'duration', 'startDate', 'recurrence', 'invitedUserIDs', 'reminders']));
    });
  });
}
