export * from './eventTiming';
export * from './occurrenceValues';
export * from './occurrences';
