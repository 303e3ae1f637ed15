// The User aggregate: a person who can sign in, with their settings and sessions.
export * from './events';
export * from './sessions';
export * from './appPasswords';
export type { CalendarListSettings, UserState, WorkingHours } from './state';
export * from './calendarList';
export { evolve as evolveUser, initialState as initialUserState } from './state';
export * from './commands';
export { decide as decideUser, RESET_LINK_MS, VERIFICATION_LINK_MS } from './decide';
export * from './decider';
