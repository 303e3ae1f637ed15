// The UserEmail aggregate: one address, claimed once for good (its events are part of the User contract).
export type { EmailClaim, EmailClaimedEvent, UserEmailState } from './state';
export { evolve as evolveUserEmail, initialState as initialUserEmailState } from './state';
export { decide as decideUserEmail, type UserEmailCommand } from './decide';
export * from './decider';
