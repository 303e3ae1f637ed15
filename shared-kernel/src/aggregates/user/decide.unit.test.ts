import { DomainError } from '../../errors/domainError';
import type { UserEvent } from './events';
import type { UserCommand } from './commands';
import { decide } from './decide';
import { evolve, initialState } from './state';
import { calendarListSettingsOf, listedRole } from './calendarList';
import { MAX_APP_PASSWORDS } from './appPasswords';
import { evolve as evolveCalendar, implicitPrimaryState } from '../calendar/state';
import type { CalendarStreamEvent } from '../calendar/events';

const userID = '11111111-1111-4111-8111-111111111111';
const requestID = '22222222-2222-4222-8222-222222222222';
const resetID = '33333333-3333-4333-8333-333333333333';
const registration = { userID, userName: 'Ann', email: 'ann@example.com', passwordHash: 'scrypt$x', timeZone: 'UTC' };
const verification = { requestID, requestedAt: '2030-01-01T00:00:00.000Z', expiresAt: '2030-01-08T00:00:00.000Z' };
const registered: UserEvent = { type: 'UserRegistered', data: registration };
const verificationRequested: UserEvent = { type: 'EmailVerificationRequested', data: { userID, email: registration.email, ...verification } };
const state = (...events: UserEvent[]) => events.reduce(evolve, initialState());
const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('user decider', () => {
  it('registers once, asking for the address to be verified; the same registration again is a no-op', () => {
    const command: UserCommand = { type: 'RegisterUser', data: { ...registration, verification } };
    expect(decide(command, state())).toEqual([registered, verificationRequested]);
    expect(decide(command, state(registered, verificationRequested))).toEqual([]);
  });

  it('changes only the settings that differ', () => {
    const change: UserCommand = {
      type: 'ChangeSettings',
      data: { userID, timeZone: 'UTC', defaultReminders: [{ method: 'push', minutes: 5 }], workingHours: [{ day: 1, start: '08:00', end: '16:00' }] },
    };
    expect(decide(change, state(registered)).map((e) => e.type)).toEqual(['DefaultRemindersChanged', 'WorkingHoursChanged']);
    const after = state(registered, ...decide(change, state(registered)));
    expect(decide(change, after)).toEqual([]);
    expect(decide({ type: 'ChangeSettings', data: { userID, timeZone: 'Asia/Kolkata' } }, after)).toEqual([
      { type: 'PreferredTimeZoneChanged', data: { userID, timeZone: 'Asia/Kolkata' } },
    ]);
  });

  it('refuses settings for an account that does not exist', () => {
    expect(() => decide({ type: 'ChangeSettings', data: { userID, timeZone: 'UTC' } }, state())).toThrow(DomainError);
  });

  it('verifies the address once, with a link of a request still good', () => {
    const verify = (now: string): UserCommand => ({ type: 'VerifyEmail', data: { userID, requestID, now } });
    const pending = state(registered, verificationRequested);
    expect(errorOf(() => decide(verify('2030-01-08T00:00:00.000Z'), pending))).toMatchObject({ code: 'INVALID_LINK' });
    const verified = decide(verify('2030-01-02T00:00:00.000Z'), pending);
    expect(verified).toEqual([{ type: 'EmailVerified', data: { userID, email: 'ann@example.com' } }]);
    expect(errorOf(() => decide(verify('2030-01-02T00:00:00.000Z'), state(registered, verificationRequested, ...verified)))).toMatchObject({ code: 'INVALID_LINK' });
  });

  it('resets the password once within the hour, revoking every session; any new password voids the other links', () => {
    const requested: UserEvent = { type: 'PasswordResetRequested', data: { userID, resetID, requestedAt: '2030-01-01T00:00:00.000Z', expiresAt: '2030-01-01T01:00:00.000Z' } };
    const reset = (now: string): UserCommand => ({ type: 'ResetPassword', data: { userID, resetID, passwordHash: 'scrypt$new', now } });
    expect(errorOf(() => decide(reset('2030-01-01T01:00:00.000Z'), state(registered, requested)))).toMatchObject({ code: 'INVALID_LINK' });
    const done = decide(reset('2030-01-01T00:30:00.000Z'), state(registered, requested));
    expect(done.map((e) => e.type)).toEqual(['PasswordChanged', 'SessionsRevoked', 'EmailVerified']);
    expect(errorOf(() => decide(reset('2030-01-01T00:31:00.000Z'), state(registered, requested, ...done)))).toMatchObject({ code: 'INVALID_LINK' });
    const changed = decide({ type: 'ChangePassword', data: { userID, passwordHash: 'scrypt$other', keepSessionID: 's1' } }, state(registered, requested));
    expect(errorOf(() => decide(reset('2030-01-01T00:30:00.000Z'), state(registered, requested, ...changed)))).toMatchObject({ code: 'INVALID_LINK' });
  });

  it('mails at most one reset link a minute and one sign-up attempt notice per 15 minutes', () => {
    const ask = (now: string): UserCommand => ({ type: 'RequestPasswordReset', data: { userID, resetID, expiresAt: '2030-01-01T02:00:00.000Z', now } });
    const first = decide(ask('2030-01-01T00:00:00.000Z'), state(registered));
    expect(decide(ask('2030-01-01T00:00:59.000Z'), state(registered, ...first))).toEqual([]);
    expect(decide(ask('2030-01-01T00:01:00.000Z'), state(registered, ...first))).toHaveLength(1);
    const attempt = (now: string): UserCommand => ({ type: 'RecordSignUpAttempt', data: { userID, now } });
    const noticed = decide(attempt('2030-01-01T00:00:00.000Z'), state(registered));
    expect(decide(attempt('2030-01-01T00:14:59.000Z'), state(registered, ...noticed))).toEqual([]);
    expect(decide(attempt('2030-01-01T00:15:00.000Z'), state(registered, ...noticed))).toHaveLength(1);
  });

  it('revokes sessions by generation, keeping the one that changed the password', () => {
    const changed = decide({ type: 'ChangePassword', data: { userID, passwordHash: 'scrypt$2', keepSessionID: 'kept' } }, state(registered));
    expect(changed[1]).toEqual({ type: 'SessionsRevoked', data: { userID, generation: 1, keptSessionID: 'kept' } });
    const all = decide({ type: 'RevokeAllSessions', data: { userID } }, state(registered, ...changed));
    expect(all).toEqual([{ type: 'SessionsRevoked', data: { userID, generation: 2 } }]);
    const out = decide({ type: 'SignOut', data: { userID, sessionID: 's9' } }, state(registered));
    expect(decide({ type: 'SignOut', data: { userID, sessionID: 's9' } }, state(registered, ...out))).toEqual([]);
  });

  describe('calendar list entries', () => {
    const family = '44444444-4444-4444-8444-444444444444';
    const change = (changes: Extract<UserCommand, { type: 'ChangeCalendarListEntry' }>['data']['changes'], calendarID = family, listed: 'none' | 'reader' | 'owner' = 'reader'): UserCommand => ({
      type: 'ChangeCalendarListEntry',
      data: { userID, calendarID, listedRole: listed, changes },
    });

    it('starts every calendar selected, shown and uncoloured, also for a stream written before calendar lists', () => {
      expect(calendarListSettingsOf(state(registered), family)).toEqual({ selected: true, hidden: false, color: null });
      expect(calendarListSettingsOf(state(), family)).toEqual({ selected: true, hidden: false, color: null });
    });

    it('writes the whole entry with what changed; the same change again is a no-op', () => {
      const deselected = decide(change({ selected: false, color: '#9FE1E7' }), state(registered));
      expect(deselected).toEqual([{ type: 'CalendarListEntryChanged', data: { userID, calendarID: family, selected: false, hidden: false, color: '#9fe1e7' } }]);
      const after = state(registered, ...deselected);
      expect(calendarListSettingsOf(after, family)).toEqual({ selected: false, hidden: false, color: '#9fe1e7' });
      expect(decide(change({ selected: false, color: '#9fe1e7' }), after)).toEqual([]);
      expect(decide(change({}), after)).toEqual([]);
      // Hiding keeps the other settings; a null colour goes back to the client's choice.
      const hidden = decide(change({ hidden: true, color: null }), after);
      expect(hidden).toEqual([{ type: 'CalendarListEntryChanged', data: { userID, calendarID: family, selected: false, hidden: true, color: null } }]);
      expect(calendarListSettingsOf(state(registered, ...deselected, ...hidden), family)).toEqual({ selected: false, hidden: true, color: null });
    });

    it('refuses a calendar not on the list as not found, whatever the change', () => {
      expect(errorOf(() => decide(change({ color: '#000000' }, family, 'none'), state(registered)))).toMatchObject({ code: 'CALENDAR_NOT_FOUND' });
      expect(errorOf(() => decide(change({}, family, 'none'), state(registered)))).toMatchObject({ code: 'CALENDAR_NOT_FOUND' });
    });

    it('refuses a colour that is not #rrggbb, naming it', () => {
      for (const color of ['red', '#fff', '#12345g', '#1234567', ' #123456']) {
        expect(errorOf(() => decide(change({ color }), state(registered)))).toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: 'color' }] });
      }
    });

    it('keeps the primary calendar on the list and read, but lets its colour change', () => {
      expect(errorOf(() => decide(change({ selected: false }, userID, 'owner'), state(registered)))).toMatchObject({ code: 'PRIMARY_CALENDAR', fieldErrors: [{ path: 'selected' }] });
      expect(errorOf(() => decide(change({ hidden: true }, userID, 'owner'), state(registered)))).toMatchObject({ code: 'PRIMARY_CALENDAR', fieldErrors: [{ path: 'hidden' }] });
      expect(decide(change({ selected: true, hidden: false, color: '#123abc' }, userID, 'owner'), state(registered))).toEqual([
        { type: 'CalendarListEntryChanged', data: { userID, calendarID: userID, selected: true, hidden: false, color: '#123abc' } },
      ]);
    });

    it('lists the primary and calendars whose rules name the person, not those everyone may see', () => {
      const bob = '55555555-5555-4555-8555-555555555555';
      const ann = { userID, email: 'ann@example.com' };
      const primaryOfBob = implicitPrimaryState({ userID: bob, summary: 'Bob', timeZone: 'UTC' });
      expect(listedRole(primaryOfBob, ann)).toBe('none');
      expect(listedRole(implicitPrimaryState({ userID, summary: 'Ann', timeZone: 'UTC' }), ann)).toBe('owner');
      const granted = (scope: { type: 'user'; userID: string } | { type: 'email'; email: string }, role: 'reader' | 'freeBusyReader'): CalendarStreamEvent => ({
        type: 'AccessGranted',
        data: { calendarID: bob, ruleID: scope.type === 'user' ? `user:${scope.userID}` : `email:${scope.email}`, scope, role, grantedBy: bob },
      });
      expect(listedRole(evolveCalendar(primaryOfBob, granted({ type: 'user', userID }, 'reader')), ann)).toBe('reader');
      // Named on a weaker rule, the stronger rule for everyone still gives the role.
      const everyoneReads: CalendarStreamEvent = { type: 'AccessGranted', data: { calendarID: bob, ruleID: 'default', scope: { type: 'default' }, role: 'reader', grantedBy: bob } };
      const byAddress = [granted({ type: 'email', email: 'ann@example.com' }, 'freeBusyReader'), everyoneReads].reduce(evolveCalendar, primaryOfBob);
      expect(listedRole(byAddress, ann)).toBe('reader');
      expect(listedRole(byAddress, { userID })).toBe('none');
      expect(listedRole(evolveCalendar(byAddress, { type: 'CalendarDeleted', data: { calendarID: bob, deletedBy: bob } }), ann)).toBe('none');
    });
  });

  describe('app passwords', () => {
    const sha = (c: string) => c.repeat(64);
    const create = (appPasswordID: string, passwordSha256 = sha('a')): UserCommand => ({
      type: 'CreateAppPassword', data: { userID, appPasswordID, name: 'Thunderbird', passwordSha256, now: '2030-01-01T00:00:00.000Z' },
    });
    const id = (n: number) => `66666666-6666-4666-8666-${String(n).padStart(12, '0')}`;

    it('creates one, keeping only its hash; the same request again is a no-op, another secret under its id is refused', () => {
      const created = decide(create(id(1)), state(registered));
      expect(created).toEqual([{ type: 'AppPasswordCreated', data: { userID, appPasswordID: id(1), name: 'Thunderbird', passwordSha256: sha('a'), createdAt: '2030-01-01T00:00:00.000Z' } }]);
      const after = state(registered, ...created);
      expect(after.status === 'registered' && after.appPasswords).toEqual({ [id(1)]: { name: 'Thunderbird', passwordSha256: sha('a'), createdAt: '2030-01-01T00:00:00.000Z' } });
      expect(decide(create(id(1)), after)).toEqual([]);
      expect(errorOf(() => decide(create(id(1), sha('b')), after))).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it(`keeps at most ${MAX_APP_PASSWORDS} live ones; a revoked one frees its place`, () => {
      const full = state(registered, ...Array.from({ length: MAX_APP_PASSWORDS }, (_, i) => decide(create(id(i)), state(registered))).flat());
      expect(errorOf(() => decide(create(id(999)), full))).toMatchObject({ code: 'TOO_MANY_APP_PASSWORDS' });
      const revoked = decide({ type: 'RevokeAppPassword', data: { userID, appPasswordID: id(0) } }, full);
      expect(revoked).toEqual([{ type: 'AppPasswordRevoked', data: { userID, appPasswordID: id(0) } }]);
      expect(decide(create(id(999)), state(registered, ...Array.from({ length: MAX_APP_PASSWORDS }, (_, i) => decide(create(id(i)), state(registered))).flat(), ...revoked))).toHaveLength(1);
    });

    it('revokes a live one once; an unknown or revoked one is not found', () => {
      const live = state(registered, ...decide(create(id(1)), state(registered)));
      const revoke: UserCommand = { type: 'RevokeAppPassword', data: { userID, appPasswordID: id(1) } };
      const revoked = decide(revoke, live);
      expect(errorOf(() => decide(revoke, state(registered, ...decide(create(id(1)), state(registered)), ...revoked)))).toMatchObject({ code: 'APP_PASSWORD_NOT_FOUND' });
      expect(errorOf(() => decide({ type: 'RevokeAppPassword', data: { userID, appPasswordID: id(2) } }, live))).toMatchObject({ code: 'APP_PASSWORD_NOT_FOUND' });
    });

    it('ends every app password with a new account password, by change or by reset', () => {
      const two = [...decide(create(id(1)), state(registered)), ...decide(create(id(2), sha('b')), state(registered))];
      const changed = decide({ type: 'ChangePassword', data: { userID, passwordHash: 'scrypt$2', keepSessionID: 'kept' } }, state(registered, ...two));
      expect(changed.filter((e) => e.type === 'AppPasswordRevoked').map((e) => e.data)).toEqual([{ userID, appPasswordID: id(1) }, { userID, appPasswordID: id(2) }]);
      const after = state(registered, ...two, ...changed);
      expect(after.status === 'registered' && after.appPasswords).toEqual({});
      const requested: UserEvent = { type: 'PasswordResetRequested', data: { userID, resetID, requestedAt: '2030-01-01T00:00:00.000Z', expiresAt: '2030-01-01T01:00:00.000Z' } };
      const reset = decide({ type: 'ResetPassword', data: { userID, resetID, passwordHash: 'scrypt$3', now: '2030-01-01T00:10:00.000Z' } }, state(registered, requested, ...two));
      expect(reset.filter((e) => e.type === 'AppPasswordRevoked')).toHaveLength(2);
    });
  });
});
