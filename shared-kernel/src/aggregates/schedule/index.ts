// The Schedule aggregate: reservations that serialise bookings made with rejectOnConflict.
export * from './events';
export * from './streams';
export type { ScheduleState } from './state';
export { evolve as evolveSchedule, initialState as initialScheduleState } from './state';
export * from './commands';
export * from './conflicts';
export { decide as decideSchedule } from './decide';
export * from './decider';
