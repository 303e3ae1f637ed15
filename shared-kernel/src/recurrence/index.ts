export * from './expand';
export * from './recurrenceError';
export * from './recurrenceLines';
export * from './rrule';
