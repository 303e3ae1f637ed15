import fc from 'fast-check';
import { DomainError } from '../../errors/domainError';
import { accessRoleOf, type CalendarReader, rulesRoleOf, SUBSCRIPTION_SOURCE_ID } from './access';
import type { CalendarCommand } from './commands';
import type { CalendarStreamEvent } from './events';
import { decide, MAX_FEEDS } from './decide';
import { type CalendarState, evolve, implicitPrimaryState, initialState } from './state';

const ann: CalendarReader = { userID: '11111111-1111-4111-8111-111111111111', email: 'ann@example.com' };
const bob: CalendarReader = { userID: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com' };
const cyd: CalendarReader = { userID: '33333333-3333-4333-8333-333333333333', email: 'cyd@example.com' };
const family = '44444444-4444-4444-8444-444444444444';

const given = (events: CalendarStreamEvent[], start: CalendarState = initialState()) => events.reduce(evolve, start);
const created: CalendarStreamEvent = {
  type: 'CalendarCreated',
  data: { calendarID: family, ownerID: ann.userID, primary: false, summary: 'Family', description: null, timeZone: 'Europe/Berlin' },
};
const granted = (who: CalendarReader, role: 'freeBusyReader' | 'reader' | 'writer' | 'owner'): CalendarStreamEvent => ({
  type: 'AccessGranted',
  data: { calendarID: family, ruleID: `user:${who.userID}`, scope: { type: 'user', userID: who.userID }, role, grantedBy: ann.userID },
});
const refusal = (command: CalendarCommand, state: CalendarState) => {
  try {
    decide(command, state);
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('not refused');
};

describe('the Calendar decider', () => {
  it('creates a calendar its creator owns, and a retry changes nothing', () => {
    const command: CalendarCommand = { type: 'CreateCalendar', data: { calendarID: family, ownerID: ann.userID, summary: 'Family', description: null, timeZone: 'Europe/Berlin' } };
    expect(decide(command, initialState())).toEqual([created]);
    expect(decide(command, given([created]))).toEqual([]);
    expect(refusal({ ...command, data: { ...command.data, ownerID: bob.userID } }, given([created]))).toBe('CALENDAR_ID_TAKEN');
    expect(accessRoleOf(given([created]), ann)).toBe('owner');
    expect(accessRoleOf(given([created]), bob)).toBe('none');
  });

  it('grants, changes and revokes access; the strongest rule wins', () => {
    const state = given([created, granted(bob, 'writer')]);
    expect(accessRoleOf(state, bob)).toBe('writer');
    expect(decide({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'user', userID: bob.userID }, role: 'writer' } }, state)).toEqual([]);
    expect(decide({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'user', userID: bob.userID }, role: 'reader' } }, state)).toEqual([
      { type: 'AccessChanged', data: { calendarID: family, ruleID: `user:${bob.userID}`, role: 'reader', changedBy: ann.userID } },
    ]);
    const withDefault = given([{ type: 'AccessGranted', data: { calendarID: family, ruleID: 'default', scope: { type: 'default' }, role: 'reader', grantedBy: ann.userID } }], state);
    expect(accessRoleOf(withDefault, cyd)).toBe('reader');
    expect(accessRoleOf(withDefault, bob)).toBe('writer');
    const revoked = given(decide({ type: 'RevokeAccess', data: { actor: ann, ruleID: `user:${bob.userID}` } }, state), state);
    expect(accessRoleOf(revoked, bob)).toBe('none');
    expect(decide({ type: 'RevokeAccess', data: { actor: ann, ruleID: `user:${bob.userID}` } }, revoked)).toEqual([]);
  });

  it('applies a rule given to an address once that address is the reader’s, however it is spelled', () => {
    const state = given(decide({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'email', email: 'Dan@Example.com' }, role: 'reader' } }, given([created])), given([created]));
    expect(accessRoleOf(state, { userID: '55555555-5555-4555-8555-555555555555', email: 'dan@example.com' })).toBe('reader');
    expect(accessRoleOf(state, { userID: '55555555-5555-4555-8555-555555555555' })).toBe('none');
  });

  it('refuses what only owners may do (404 to who cannot see, 403 to who can), sharing with oneself, and losing the last owner', () => {
    const state = given([created, granted(bob, 'writer')]);
    expect(refusal({ type: 'GrantAccess', data: { actor: bob, scope: { type: 'user', userID: cyd.userID }, role: 'reader' } }, state)).toBe('NOT_OWNER');
    expect(refusal({ type: 'GrantAccess', data: { actor: cyd, scope: { type: 'user', userID: cyd.userID }, role: 'reader' } }, state)).toBe('CALENDAR_NOT_FOUND');
    expect(refusal({ type: 'DeleteCalendar', data: { actor: cyd } }, state)).toBe('CALENDAR_NOT_FOUND');
    expect(refusal({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'user', userID: ann.userID }, role: 'reader' } }, state)).toBe('VALIDATION_FAILED');
    expect(refusal({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'email', email: 'ANN@example.com' }, role: 'reader' } }, state)).toBe('VALIDATION_FAILED');
    expect(refusal({ type: 'RevokeAccess', data: { actor: ann, ruleID: `user:${ann.userID}` } }, state)).toBe('LAST_OWNER');
    expect(refusal({ type: 'ChangeAccess', data: { actor: ann, ruleID: `user:${ann.userID}`, role: 'writer' } }, state)).toBe('LAST_OWNER');
    expect(refusal({ type: 'ChangeAccess', data: { actor: ann, ruleID: 'user:nobody', role: 'writer' } }, state)).toBe('RULE_NOT_FOUND');
    // With a second owner, the first may step down.
    const twoOwners = given([granted(bob, 'owner')], state);
    expect(decide({ type: 'RevokeAccess', data: { actor: ann, ruleID: `user:${ann.userID}` } }, twoOwners)).toHaveLength(1);
  });

  it('deletes a secondary calendar once; a primary one cannot be deleted', () => {
    const deleted = given(decide({ type: 'DeleteCalendar', data: { actor: ann } }, given([created])), given([created]));
    expect(deleted.status).toBe('deleted');
    expect(accessRoleOf(deleted, ann)).toBe('none');
    expect(decide({ type: 'DeleteCalendar', data: { actor: ann } }, deleted)).toEqual([]);
    const primary = implicitPrimaryState({ userID: ann.userID, summary: 'ann@example.com', timeZone: 'UTC' });
    expect(refusal({ type: 'DeleteCalendar', data: { actor: ann } }, primary)).toBe('PRIMARY_CALENDAR');
    // Its owner stays its owner, even with another owner beside them.
    const shared = given(decide({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'user', userID: bob.userID }, role: 'owner' } }, primary), primary);
    expect(refusal({ type: 'RevokeAccess', data: { actor: bob, ruleID: `user:${ann.userID}` } }, shared)).toBe('PRIMARY_CALENDAR');
    expect(refusal({ type: 'ChangeAccess', data: { actor: bob, ruleID: `user:${ann.userID}`, role: 'reader' } }, shared)).toBe('PRIMARY_CALENDAR');
    expect(refusal({ type: 'GrantAccess', data: { actor: bob, scope: { type: 'user', userID: ann.userID }, role: 'writer' } }, shared)).toBe('PRIMARY_CALENDAR');
  });

  it('a primary calendar exists before anything is written: free/busy for everyone, and its first decision writes its creation', () => {
    const primary = implicitPrimaryState({ userID: ann.userID, summary: 'ann@example.com', timeZone: 'Europe/Berlin' });
    expect(accessRoleOf(primary, ann)).toBe('owner');
    expect(accessRoleOf(primary, bob)).toBe('freeBusyReader');
    const events = decide({ type: 'GrantAccess', data: { actor: ann, scope: { type: 'user', userID: bob.userID }, role: 'reader' } }, primary);
    expect(events.map((e) => e.type)).toEqual(['CalendarCreated', 'AccessGranted']);
    // Read back from the stream alone (a reader that starts from nothing), the calendar is the same.
    const replayed = given(events);
    expect(accessRoleOf(replayed, bob)).toBe('reader');
    expect(accessRoleOf(replayed, cyd)).toBe('freeBusyReader');
    expect(replayed).toEqual({ ...given(events, primary), status: 'active' });
  });

  it('a changed detail is written once, and nothing when it is the same', () => {
    const state = given([created]);
    expect(decide({ type: 'ChangeCalendar', data: { actor: ann, changes: { summary: 'Family' } } }, state)).toEqual([]);
    expect(decide({ type: 'ChangeCalendar', data: { actor: ann, changes: { summary: 'Home', timeZone: 'UTC' } } }, state).map((e) => e.type)).toEqual([
      'CalendarDetailsChanged', 'CalendarTimeZoneChanged',
    ]);
  });

  it('never leaves a calendar without an owner, whatever owners do (property)', () => {
    const people = [ann, bob, cyd];
    const command = fc.oneof(
      fc.record({ actor: fc.constantFrom(...people), who: fc.constantFrom(...people), role: fc.constantFrom('freeBusyReader', 'reader', 'writer', 'owner') as fc.Arbitrary<'reader'> })
        .map(({ actor, who, role }): CalendarCommand => ({ type: 'GrantAccess', data: { actor, scope: { type: 'user', userID: who.userID }, role } })),
      fc.record({ actor: fc.constantFrom(...people), who: fc.constantFrom(...people) })
        .map(({ actor, who }): CalendarCommand => ({ type: 'RevokeAccess', data: { actor, ruleID: `user:${who.userID}` } })),
    );
    fc.assert(fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
      let state = given([created]);
      for (const c of commands) {
        try {
          state = given(decide(c, state), state);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
        }
        expect(people.some((p) => accessRoleOf(state, p) === 'owner')).toBe(true);
      }
    }));
  });

  describe('secret addresses', () => {
    const feed = (n: number) => `66666666-6666-4666-8666-${String(n).padStart(12, '0')}`;
    const create = (actor: CalendarReader, n: number): CalendarCommand => ({ type: 'CreateFeed', data: { actor, feedID: feed(n), tokenHash: `hash-${n}`, createdAt: '2030-01-01T00:00:00.000Z' } });

    it('are made and revoked by owners only; a retry changes nothing', () => {
      const state = given([created, granted(bob, 'writer')]);
      const made = decide(create(ann, 1), state);
      expect(made).toEqual([{ type: 'FeedCreated', data: { calendarID: family, feedID: feed(1), tokenHash: 'hash-1', createdBy: ann.userID, createdAt: '2030-01-01T00:00:00.000Z' } }]);
      const withFeed = given(made, state);
      expect(withFeed.status === 'active' && Object.keys(withFeed.feeds)).toEqual([feed(1)]);
      expect(decide(create(ann, 1), withFeed)).toEqual([]);
      expect(refusal(create(bob, 2), state)).toBe('NOT_OWNER');
      expect(refusal(create(cyd, 2), state)).toBe('CALENDAR_NOT_FOUND');
      expect(refusal({ type: 'RevokeFeed', data: { actor: bob, feedID: feed(1) } }, withFeed)).toBe('NOT_OWNER');
      const revoked = given(decide({ type: 'RevokeFeed', data: { actor: ann, feedID: feed(1) } }, withFeed), withFeed);
      expect(revoked.status === 'active' && revoked.feeds).toEqual({});
      expect(decide({ type: 'RevokeFeed', data: { actor: ann, feedID: feed(1) } }, revoked)).toEqual([]);
    });

    it(`are at most ${MAX_FEEDS} live ones; revoking one makes room`, () => {
      let state = given([created]);
      for (let n = 0; n < MAX_FEEDS; n++) state = given(decide(create(ann, n), state), state);
      expect(refusal(create(ann, MAX_FEEDS), state)).toBe('TOO_MANY_FEEDS');
      state = given(decide({ type: 'RevokeFeed', data: { actor: ann, feedID: feed(0) } }, state), state);
      expect(decide(create(ann, MAX_FEEDS), state).map((e) => e.type)).toEqual(['FeedCreated']);
    });

    it('on an unwritten primary calendar, write its creation first', () => {
      const primary = implicitPrimaryState({ userID: ann.userID, summary: 'Ann', timeZone: 'UTC' });
      expect(decide({ type: 'CreateFeed', data: { actor: ann, feedID: feed(1), tokenHash: 'h', createdAt: 'now' } }, primary).map((e) => e.type)).toEqual(['CalendarCreated', 'FeedCreated']);
    });
  });

  describe('subscriptions to a URL', () => {
    const url = 'https://example.com/holidays.ics';
    const subscribe: CalendarCommand = { type: 'SubscribeToCalendar', data: { calendarID: family, ownerID: ann.userID, summary: 'Holidays', description: null, timeZone: 'UTC', url } };
    const subscribed = () => given(decide(subscribe, initialState()));

    it('create a calendar with its source, once', () => {
      expect(decide(subscribe, initialState()).map((e) => e.type)).toEqual(['CalendarCreated', 'SubscriptionSourceSet']);
      expect(decide(subscribe, subscribed())).toEqual([]);
      expect(refusal({ ...subscribe, data: { ...subscribe.data, url: 'https://example.com/other.ics' } } as CalendarCommand, subscribed())).toBe('CALENDAR_ID_TAKEN');
      expect(refusal(subscribe, given([created]))).toBe('CALENDAR_ID_TAKEN');
    });

    it('are read-only to every person, the owner included; only the source writes their events', () => {
      const state = given([granted(bob, 'writer')], subscribed());
      expect(accessRoleOf(state, ann)).toBe('reader');
      expect(accessRoleOf(state, bob)).toBe('reader');
      expect(accessRoleOf(state, cyd)).toBe('none');
      expect(accessRoleOf(state, { userID: SUBSCRIPTION_SOURCE_ID })).toBe('writer');
      // The source writes nothing else: on an ordinary calendar its id is nobody.
      expect(accessRoleOf(given([created]), { userID: SUBSCRIPTION_SOURCE_ID })).toBe('none');
      // The owner still manages the calendar itself.
      expect(rulesRoleOf(state, ann)).toBe('owner');
      expect(decide({ type: 'ChangeCalendar', data: { actor: ann, changes: { summary: 'Public holidays' } } }, state).map((e) => e.type)).toEqual(['CalendarDetailsChanged']);
      expect(decide({ type: 'DeleteCalendar', data: { actor: ann } }, state).map((e) => e.type)).toEqual(['CalendarDeleted']);
      expect(refusal({ type: 'DeleteCalendar', data: { actor: bob } }, state)).toBe('NOT_OWNER');
    });

    it('record a sync only when the source changed', () => {
      const sync = { etag: '"v1"', lastModified: null, contentHash: 'abc', syncedAt: '2030-01-01T00:00:00.000Z' };
      const first = decide({ type: 'RecordSubscriptionSync', data: sync }, subscribed());
      expect(first).toEqual([{ type: 'SubscriptionSynced', data: { calendarID: family, ...sync } }]);
      const synced = given(first, subscribed());
      expect(synced.status === 'active' && synced.subscription).toEqual({ url, ...sync });
      expect(decide({ type: 'RecordSubscriptionSync', data: { ...sync, syncedAt: '2030-01-01T00:15:00.000Z' } }, synced)).toEqual([]);
      expect(decide({ type: 'RecordSubscriptionSync', data: { ...sync, etag: '"v2"' } }, synced)).toHaveLength(1);
      expect(refusal({ type: 'RecordSubscriptionSync', data: sync }, given([created]))).toBe('NOT_A_SUBSCRIPTION');
      expect(refusal({ type: 'RecordSubscriptionSync', data: sync }, initialState())).toBe('CALENDAR_NOT_FOUND');
    });
  });
});
