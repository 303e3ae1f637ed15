import { DomainError, type UserEvent } from '@datebook/shared-kernel';
import { decide, evolve, initialState, type UserCommand } from './user';

const userID = '11111111-1111-4111-8111-111111111111';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { userID, userName: 'Ann', email: 'ann@example.com', passwordHash: 'scrypt$x', timeZone: 'UTC' },
};
const state = (...events: UserEvent[]) => events.reduce(evolve, initialState());

describe('user decider', () => {
  it('registers once; the same registration again is a no-op', () => {
    const command: UserCommand = { type: 'RegisterUser', data: registered.data as Extract<UserCommand, { type: 'RegisterUser' }>['data'] };
    expect(decide(command, state())).toEqual([registered]);
    expect(decide(command, state(registered))).toEqual([]);
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
});
