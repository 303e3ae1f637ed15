import fc from 'fast-check';
import { DomainError } from '../../errors/domainError';
import { accessRoleOf, type CalendarReader } from './access';
import type { CalendarCommand } from './commands';
import type { CalendarStreamEvent } from './events';
import { decide } from './decide';
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
});
