import { parseUserEvent, type StoredEvent, type UserEvent } from '@datebook/shared-kernel';

type EmailClaimedEvent = Extract<UserEvent, { type: 'EmailClaimed' }>;
export type EmailClaim = EmailClaimedEvent['data'];

/** The UserEmail stream of one address: whom it belongs to. Its first claim holds for good, which makes addresses unique. */
export type UserEmailState = { status: 'free' } | { status: 'claimed'; claim: EmailClaim };

/** Claims the address for a new user, carrying their registration so anyone can finish it alike. */
export type UserEmailCommand = { type: 'ClaimEmail'; data: Required<EmailClaim> };

export const initialState = (): UserEmailState => ({ status: 'free' });

export function evolve(state: UserEmailState, event: EmailClaimedEvent): UserEmailState {
  return state.status === 'free' ? { status: 'claimed', claim: event.data } : state;
}

/** A taken address is no error here: the claim changes nothing, and the caller finds the holder in the state. */
export function decide(command: UserEmailCommand, state: UserEmailState): EmailClaimedEvent[] {
  return state.status === 'free' ? [{ type: 'EmailClaimed', data: command.data }] : [];
}

export function parse(stored: StoredEvent): EmailClaimedEvent | undefined {
  const event = parseUserEvent(stored);
  return event?.type === 'EmailClaimed' ? event : undefined;
}

export const userEmailDecider = { decide, evolve, initialState, parse };
