export * from './calendarEventState';
export * from './eventTiming';
export * from './occurrenceValues';
export * from './occurrences';
export * from './seriesSplit';
