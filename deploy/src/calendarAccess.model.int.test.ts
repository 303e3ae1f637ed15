import fc from 'fast-check';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { startTestSystem, type TestSystem } from './testing/testSystem';

/**
 * Model-based: random grants, revocations, bookings and moves, checked after every step against a model
 * of the rules. What someone sees must never exceed what the rules allow at that moment (rights are read
 * from the log, so this holds at once), and equals it once the projections caught up.
 */
type Role = 'freeBusyReader' | 'reader' | 'writer' | 'owner';
const ROLES: Role[] = ['freeBusyReader', 'reader', 'writer', 'owner'];
const rank = (role: Role | 'none') => (role === 'none' ? -1 : ROLES.indexOf(role));

type Step =
  | { kind: 'grant'; calendar: number; grantee: number; role: Role }
  | { kind: 'revoke'; calendar: number; grantee: number }
  | { kind: 'book'; actor: number; calendar: number; private: boolean }
  | { kind: 'move'; actor: number; event: number; calendar: number };

const PEOPLE = 3;
/** Calendars 0–2 are the people's primaries; 3 is person 0's "Family", 4 is person 1's "Club". */
const CALENDARS = 5;
const ownerOf = (calendar: number) => (calendar < PEOPLE ? calendar : calendar - PEOPLE);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('grant' as const), calendar: fc.nat(CALENDARS - 1), grantee: fc.nat(PEOPLE - 1), role: fc.constantFrom(...ROLES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), calendar: fc.nat(CALENDARS - 1), grantee: fc.nat(PEOPLE - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('book' as const), actor: fc.nat(PEOPLE - 1), calendar: fc.nat(CALENDARS - 1), private: fc.boolean() }) },
  // Mostly on a calendar the actor owns, so that most runs have events to see.
  { weight: 3, arbitrary: fc.record({ actor: fc.nat(PEOPLE - 1), secondary: fc.boolean(), private: fc.boolean() })
    .map(({ actor, secondary, private: isPrivate }): Step => ({ kind: 'book', actor, calendar: secondary && actor < 2 ? PEOPLE + actor : actor, private: isPrivate })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), actor: fc.nat(PEOPLE - 1), event: fc.nat(5), calendar: fc.nat(CALENDARS - 1) }) },
);

interface ModelEvent { id: string; calendar: number; private: boolean; creator: number; start: string }

/** The rules as the issue states them: explicit rules per person, primaries free/busy for everyone, owners own. */
class Model {
  rules: Map<number, Role>[] = Array.from({ length: CALENDARS }, (_, c) => new Map([[ownerOf(c), 'owner' as Role]]));
  events: ModelEvent[] = [];

  role(person: number, calendar: number): Role | 'none' {
    const explicit = this.rules[calendar]!.get(person);
    const fallback: Role | 'none' = calendar < PEOPLE ? 'freeBusyReader' : 'none';
    return explicit !== undefined && rank(explicit) > rank(fallback) ? explicit : fallback;
  }

  /** A person's list: their primary and every calendar with a rule naming them. */
  listed(person: number, calendar: number): boolean {
    return calendar === person || this.rules[calendar]!.has(person);
  }

  /** What a person's view shows: eventID → 'full' | 'busy'. */
  view(person: number): Map<string, 'full' | 'busy'> {
    const seen = new Map<string, 'full' | 'busy'>();
    for (const e of this.events) {
      const role = this.role(person, e.calendar);
      if (!this.listed(person, e.calendar) || rank(role) < rank('freeBusyReader')) continue;
      const onEvent = e.calendar === person && e.creator === person;
      const busy = !onEvent && (role === 'freeBusyReader' || (role === 'reader' && e.private));
      seen.set(e.id, busy ? 'busy' : 'full');
    }
    return seen;
  }
}

describe('calendar access, model-based', () => {
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

  it('shows everyone exactly what the rules allow after every grant, revocation, booking and move', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 6, maxLength: 16 }), async (steps) => {
        run++;
        const people = await Promise.all(Array.from({ length: PEOPLE }, (_, i) => sys.signUp(`p${i}r${run}`)));
        const calendarIDs = people.map((p) => p.userID);
        for (const [owner, summary] of [[0, 'Family'], [1, 'Club']] as const) {
          const created = await sys.http().post('/calendars').set(people[owner]!.auth).send({ summary });
          calendarIDs.push(created.body.calendarID);
        }
        const model = new Model();
        const week = { from: '2031-01-06T00:00:00Z', to: '2031-01-13T00:00:00Z' };

        const seenBy = async (person: number): Promise<Map<string, 'full' | 'busy'>> => {
          const res = await sys.http().get('/events').query(week).set(people[person]!.auth);
          expect(res.status).toBe(200);
          return new Map(res.body.events.map((item: { eventID: string; busy?: boolean; title?: string }) => {
            // A busy block tells nothing but its times.
            if (item.busy) expect(item.title).toBeUndefined();
            return [item.eventID, item.busy ? 'busy' : 'full'];
          }));
        };
        const described = (step: Step) => JSON.stringify(step);

        for (const [index, s] of steps.entries()) {
          if (s.kind === 'grant' || s.kind === 'revoke') {
            const owner = ownerOf(s.calendar);
            if (s.grantee === owner) continue;
            const path = `/calendars/${calendarIDs[s.calendar]}/acl`;
            const res = s.kind === 'grant'
              ? await sys.http().post(path).set(people[owner]!.auth).send({ role: s.role, scope: { type: 'user', userID: people[s.grantee]!.userID } })
              : await sys.http().delete(`${path}/${encodeURIComponent(`user:${people[s.grantee]!.userID}`)}`).set(people[owner]!.auth);
            expect({ step: described(s), status: res.status }).toEqual({ step: described(s), status: s.kind === 'grant' ? 201 : 204 });
            if (s.kind === 'grant') model.rules[s.calendar]!.set(s.grantee, s.role);
            else model.rules[s.calendar]!.delete(s.grantee);
          } else if (s.kind === 'book') {
            const role = model.role(s.actor, s.calendar);
            const start = new Date(Date.parse(week.from) + index * 3_600_000).toISOString();
            const res = await sys.http().post('/events').set(people[s.actor]!.auth).send({
              calendarID: calendarIDs[s.calendar], title: `Event ${index}`, startTime: start, endTime: new Date(Date.parse(start) + 1_800_000).toISOString(),
              visibility: s.private ? 'private' : 'default',
            });
            const expected = rank(role) >= rank('writer') ? 201 : rank(role) >= rank('freeBusyReader') ? 403 : 404;
            expect({ step: described(s), status: res.status }).toEqual({ step: described(s), status: expected });
            if (res.status === 201) model.events.push({ id: res.body.eventID, calendar: s.calendar, private: s.private, creator: s.actor, start });
          } else {
            const event = model.events[s.event];
            if (!event) continue;
            const res = await sys.http().post(`/events/${event.id}/move`).set(people[s.actor]!.auth).send({ calendarID: calendarIDs[s.calendar] });
            const from = model.role(s.actor, event.calendar);
            const to = model.role(s.actor, s.calendar);
            const onEvent = event.calendar === s.actor && event.creator === s.actor;
            const expected =
              rank(from) < rank('writer') ? (onEvent || rank(from) >= rank('reader') ? 403 : 404)
              : event.calendar === s.calendar || rank(to) >= rank('writer') ? 200
              : rank(to) >= rank('freeBusyReader') ? 403 : 404;
            expect({ step: described(s), status: res.status }).toEqual({ step: described(s), status: expected });
            if (res.status === 200) event.calendar = s.calendar;
          }
          // At once: nobody sees more than the rules allow, nor more detail.
          for (let person = 0; person < PEOPLE; person++) {
            const allowed = model.view(person);
            for (const [eventID, shown] of await seenBy(person)) {
              // Allowed at all, and no more detail than allowed (a busy block where details are allowed may lag).
              const allowedAs = allowed.get(eventID) ?? 'nothing';
              const tooMuch = allowedAs === 'nothing' || (allowedAs === 'busy' && shown === 'full');
              expect({ step: described(s), person, eventID, shown, allowedAs, tooMuch }).toEqual({ step: described(s), person, eventID, shown, allowedAs, tooMuch: false });
            }
          }
          // Once the projections caught up: exactly what the rules allow.
          for (let person = 0; person < PEOPLE; person++) {
            const expected = [...model.view(person)].sort();
            await pollUntil(async () => JSON.stringify([...(await seenBy(person))].sort()) === JSON.stringify(expected), {
              timeoutMs: 10_000,
              what: () => `person ${person}'s view after ${described(s)} to be ${JSON.stringify(expected)}`,
            });
          }
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
