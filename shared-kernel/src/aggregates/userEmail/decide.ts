import type { EmailClaim, EmailClaimedEvent, UserEmailState } from './state';

/** Claims the address for a new user, carrying their registration so anyone can finish it alike. */
export type UserEmailCommand = { type: 'ClaimEmail'; data: Required<EmailClaim> };

/** A taken address is no error here: the claim changes nothing, and the caller finds the holder in the state. */
export function decide(command: UserEmailCommand, state: UserEmailState): EmailClaimedEvent[] {
  return state.status === 'free' ? [{ type: 'EmailClaimed', data: command.data }] : [];
}
