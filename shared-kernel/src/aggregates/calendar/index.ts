// The Calendar aggregate: a calendar, its details and who may do what with it (its acl).
export * from './events';
export { type AccessRule, type CalendarDetails, type Feed as CalendarFeed, type Subscription as CalendarSubscription, type CalendarState, evolve as evolveCalendar, implicitPrimaryState, initialState as initialCalendarState, ruleIDOf } from './state';
export * from './access';
export * from './commands';
export { decide as decideCalendar, MAX_FEEDS as MAX_FEEDS_PER_CALENDAR } from './decide';
export * from './decider';
export * from './feedToken';
