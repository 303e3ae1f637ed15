import { readTestCorpus } from '@datebook/shared-kernel/testing';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { startTestSystem, type TestSystem } from './testing/testSystem';

interface Span { start: string; end: string }
interface FreeBusyCase {
  id: string; title: string; window: { from: string; to: string }; duration_minutes: number;
  users: { name: string; busy: Span[]; recurring: { tzid: string; dtstart: string; duration_minutes: number; rrule: string; exdate: string[]; rdate: string[] }[] }[];
  expected: { users: { name: string; busy: Span[]; free: Span[] }[]; common_free: Span[] };
}
const cases = readTestCorpus<FreeBusyCase[]>('freebusy-cases.json');
const basic = (local: string) => local.replaceAll('-', '').replaceAll(':', '');
const utc = (iso: string) => new Date(iso).toISOString();

describe('free/busy, find a time and conflicts through the HTTP API', () => {
  let db: SqlDatabase;
  let sys: TestSystem;

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  const book = async (user: Awaited<ReturnType<TestSystem['signUp']>>, body: Record<string, unknown>) => {
    const res = await sys.http().post('/events').set(user.auth).send({ title: 'Busy', ...body });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { eventID: string; consistencyToken: string; conflicts: { userID: string; from: string; to: string }[] };
  };

  describe('the shared free/busy cases', () => {
    it.each(cases.map((c) => [c.id, c.title, c] as const))('%s: %s', async (_id, _title, c) => {
      const users = await Promise.all(c.users.map((u) => sys.signUp(u.name)));
      let lastToken = '';
      for (const [index, spec] of c.users.entries()) {
        const user = users[index];
        if (!user) throw new Error('missing user');
        for (const busy of spec.busy) lastToken = (await book(user, { startTime: busy.start, endTime: busy.end })).consistencyToken;
        for (const r of spec.recurring) {
          const recurrence = [`RRULE:${r.rrule}`];
          if (r.exdate.length > 0) recurrence.push(`EXDATE;TZID=${r.tzid}:${r.exdate.map(basic).join(',')}`);
          if (r.rdate.length > 0) recurrence.push(`RDATE;TZID=${r.tzid}:${r.rdate.map(basic).join(',')}`);
          lastToken = (await book(user, { startTime: r.dtstart, duration: `PT${r.duration_minutes}M`, timeZone: r.tzid, recurrence })).consistencyToken;
        }
      }
      const asker = users[0];
      if (!asker) throw new Error('no users');
      const ids = users.map((u) => u.userID);
      const freeBusy = await sys.http().post('/freebusy').set(asker.auth).set(lastToken ? { 'X-Consistency-Token': lastToken } : {})
        .send({ userIDs: ids, from: c.window.from, to: c.window.to });
      expect(freeBusy.status).toBe(200);
      for (const [index, expected] of c.expected.users.entries()) {
        const got = freeBusy.body.users[index];
        expect(got.userID).toBe(ids[index]);
        expect(got.busy).toEqual(expected.busy.map((b) => ({ start: utc(b.start), end: utc(b.end) })));
      }
      const suggestions = await sys.http().post('/freebusy/suggestions').set(asker.auth).set(lastToken ? { 'X-Consistency-Token': lastToken } : {})
        .send({ userIDs: ids, from: c.window.from, to: c.window.to, durationMinutes: c.duration_minutes, respectWorkingHours: false });
      expect(suggestions.status).toBe(200);
      expect(suggestions.body.suggestions.map((s: Span) => ({ start: s.start, end: s.end }))).toEqual(c.expected.common_free.map((f) => ({ start: utc(f.start), end: utc(f.end) })));
    });
  });

  it('marks pending invitations as tentative in the availability string, and leaves out declined, cancelled and transparent time', async () => {
    const [host, ann] = await Promise.all([sys.signUp('host'), sys.signUp('ann')]);
    await book(host, { startTime: '2031-03-03T09:00:00Z', endTime: '2031-03-03T10:00:00Z', invitedUserIDs: [ann.userID] });
    const declined = await book(host, { startTime: '2031-03-03T11:00:00Z', endTime: '2031-03-03T12:00:00Z', invitedUserIDs: [ann.userID] });
    await sys.http().patch(`/events/${declined.eventID}/invitations`).set(ann.auth).send({ response: 'DECLINE' });
    const cancelled = await book(ann, { startTime: '2031-03-03T13:00:00Z', endTime: '2031-03-03T14:00:00Z' });
    await sys.http().delete(`/events/${cancelled.eventID}`).set(ann.auth);
    await book(ann, { startTime: '2031-03-03T14:00:00Z', endTime: '2031-03-03T15:00:00Z', transparency: 'transparent' });
    const mine = await book(ann, { startTime: '2031-03-03T15:00:00Z', endTime: '2031-03-03T15:30:00Z' });
    const res = await sys.http().post('/freebusy').set(host.auth).set('X-Consistency-Token', mine.consistencyToken)
      .send({ userIDs: [ann.userID], from: '2031-03-03T08:00:00Z', to: '2031-03-03T16:00:00Z', slotMinutes: 60 });
    expect(res.body.users).toEqual([{
      userID: ann.userID,
      busy: [{ start: '2031-03-03T09:00:00.000Z', end: '2031-03-03T10:00:00.000Z' }, { start: '2031-03-03T15:00:00.000Z', end: '2031-03-03T15:30:00.000Z' }],
      availabilityView: '01000002',
    }]);
    expect(JSON.stringify(res.body)).not.toContain('Busy');
  });

  it('suggests times inside each person’s own working hours, and says why when there are none', async () => {
    const [berlin, newYork] = await Promise.all([sys.signUp('berlin'), sys.signUp('newyork')]);
    await sys.http().patch('/users/me').set(berlin.auth).send({ timeZone: 'Europe/Berlin' });
    const set = await sys.http().patch('/users/me').set(newYork.auth).send({ timeZone: 'America/New_York', workingHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '12:00' })) });
    // Monday 2031-03-03: Berlin 09–17 = 08–16 UTC; New York 08–12 = 13–17 UTC → together 13:00–16:00 UTC.
    const res = await sys.http().post('/freebusy/suggestions').set(berlin.auth).set('X-Consistency-Token', set.headers['x-consistency-token'] as string)
      .send({ userIDs: [berlin.userID, newYork.userID], from: '2031-03-03T00:00:00Z', to: '2031-03-04T00:00:00Z', durationMinutes: 60 });
    expect(res.body.suggestions).toEqual([{ start: '2031-03-03T13:00:00.000Z', end: '2031-03-03T16:00:00.000Z', userIDs: [berlin.userID, newYork.userID] }]);
    const weekend = await sys.http().post('/freebusy/suggestions').set(berlin.auth)
      .send({ userIDs: [berlin.userID, newYork.userID], from: '2031-03-08T00:00:00Z', to: '2031-03-09T00:00:00Z', durationMinutes: 60 });
    expect(weekend.body.suggestions).toEqual([]);
    expect(weekend.body.reasons.length).toBeGreaterThan(0);
    expect(weekend.body.reasons[0]).toHaveProperty('code');
  });

  it('refuses bad requests with the offending field', async () => {
    const user = await sys.signUp('asker');
    const post = (path: string, body: unknown) => sys.http().post(path).set(user.auth).send(body as object);
    expect((await post('/freebusy', { userIDs: [], from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z' })).body.errors[0].path).toBe('userIDs');
    expect((await post('/freebusy', { userIDs: [user.userID], from: '2031-01-02T00:00:00Z', to: '2031-01-01T00:00:00Z' })).body.code).toBe('INVALID_TIME_RANGE');
    expect((await post('/freebusy', { userIDs: [user.userID], from: '2031-01-01T00:00:00Z', to: '2031-06-01T00:00:00Z' })).body.errors[0].path).toBe('to');
    // An unknown user answers as one you may not see, for that item only (Google's freebusy.query), never 422.
    expect((await post('/freebusy', { userIDs: ['00000000-0000-4000-8000-000000000000'], from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z' })).body.users).toEqual([
      { userID: '00000000-0000-4000-8000-000000000000', busy: [], errors: [{ domain: 'global', reason: 'notFound' }] },
    ]);
    expect((await post('/freebusy/suggestions', { userIDs: [user.userID], from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z', durationMinutes: 1 })).body.errors[0].path).toBe('durationMinutes');
    expect((await post('/freebusy/suggestions', { userIDs: [user.userID], from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z', durationMinutes: 30, minimumAttendees: 2 })).body.errors[0].path).toBe('minimumAttendees');
  });

  describe('conflicts when booking', () => {
    it('books anyway but lists the conflicts it sees', async () => {
      const [host, ann] = await Promise.all([sys.signUp('host'), sys.signUp('ann')]);
      const first = await book(ann, { startTime: '2031-04-01T09:00:00Z', endTime: '2031-04-01T10:00:00Z' });
      await sys.http().get('/events').set(ann.auth).set('X-Consistency-Token', first.consistencyToken);
      const second = await book(host, { startTime: '2031-04-01T09:30:00Z', endTime: '2031-04-01T11:00:00Z', invitedUserIDs: [ann.userID] });
      expect(second.conflicts).toEqual([{ userID: ann.userID, from: '2031-04-01T09:30:00.000Z', to: '2031-04-01T10:00:00.000Z' }]);
    });

    it('refuses with 409 and appends nothing under rejectOnConflict', async () => {
      const [host, ann] = await Promise.all([sys.signUp('host'), sys.signUp('ann')]);
      const busy = await book(ann, { startTime: '2031-04-02T09:00:00Z', endTime: '2031-04-02T10:00:00Z' });
      await sys.http().get('/events').set(ann.auth).set('X-Consistency-Token', busy.consistencyToken);
      const before = await sys.eventCount();
      const res = await sys.http().post('/events').set(host.auth)
        .send({ title: 'x', startTime: '2031-04-02T09:30:00Z', endTime: '2031-04-02T10:30:00Z', invitedUserIDs: [ann.userID], rejectOnConflict: true });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'SCHEDULE_CONFLICT', conflicts: [{ userID: ann.userID, from: '2031-04-02T09:30:00.000Z', to: '2031-04-02T10:00:00.000Z' }] });
      expect(await sys.eventCount()).toBe(before);
    });

    it('lets only one of two concurrent bookings of the same free slot through', async () => {
      const host = await sys.signUp('racer');
      for (let round = 0; round < 5; round++) {
        const slot = { startTime: `2031-05-0${round + 1}T09:00:00Z`, endTime: `2031-05-0${round + 1}T10:00:00Z`, rejectOnConflict: true };
        const results = await Promise.all([1, 2].map((n) => sys.http().post('/events').set(host.auth).send({ title: `racer ${n}`, ...slot })));
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      }
    });
  });
});
