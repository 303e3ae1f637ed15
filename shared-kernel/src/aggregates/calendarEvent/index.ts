// The CalendarEvent aggregate: its stream, events (schemas, upcasters), state and fold, commands and decisions.
export * from './events';
export * from './upcasters';
export * from './state';
export type { CalendarAccess, CalendarEventCommand, InvitationResponse, Transparency } from './commands';
export { decide as decideCalendarEvent } from './decide';
export * from './decider';
export * from './recurrenceSplit';
export * from './recurrenceValidation';
export * from './occurrenceTiming';
export * from './seriesSplit';
export * from './viewAudience';
export * from './iCalUID';
export * from './iCalSequence';
