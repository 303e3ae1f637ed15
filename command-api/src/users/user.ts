import { DomainError, type UserEvent } from '@datebook/shared-kernel';

/** The User stream: a person who can sign in. */
export type UserState =
  | { status: 'absent' }
  | { status: 'registered'; userID: string; userName: string; email: string; passwordHash: string; timeZone: string };

export type UserCommand = {
  type: 'RegisterUser';
  data: { userID: string; userName: string; email: string; passwordHash: string; timeZone: string };
};

export const initialState = (): UserState => ({ status: 'absent' });

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { status: 'registered', ...event.data };
    case 'EmailClaimed':
      return state;
  }
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (state.status === 'registered') {
    if (state.email === command.data.email) return [];
    throw new DomainError('EMAIL_TAKEN', 'this user already exists');
  }
  return [{ type: 'UserRegistered', data: command.data }];
}

/** E-mail addresses compare case-insensitively; the normal form names the UserEmail stream. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
