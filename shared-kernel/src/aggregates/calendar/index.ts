// The Calendar aggregate: a calendar, its details and who may do what with it (its acl).
export * from './events';
export { type AccessRule, type CalendarDetails, type CalendarState, evolve as evolveCalendar, implicitPrimaryState, initialState as initialCalendarState, ruleIDOf } from './state';
export * from './access';
export * from './commands';
export { decide as decideCalendar } from './decide';
export * from './decider';
