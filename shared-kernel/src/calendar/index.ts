export * from './calendarEventState';
export * from './occurrences';
export * from './seriesSplit';
