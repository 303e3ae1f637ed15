import type { UserEvent } from '../user/events';

export type EmailClaimedEvent = Extract<UserEvent, { type: 'EmailClaimed' }>;
export type EmailClaim = EmailClaimedEvent['data'];

/** The UserEmail stream of one address: whom it belongs to. Its first claim holds for good, which makes addresses unique. */
export type UserEmailState = { status: 'free' } | { status: 'claimed'; claim: EmailClaim };

export const initialState = (): UserEmailState => ({ status: 'free' });

export function evolve(state: UserEmailState, event: EmailClaimedEvent): UserEmailState {
  return state.status === 'free' ? { status: 'claimed', claim: event.data } : state;
}
