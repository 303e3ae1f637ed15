// The pure part of the shared kernel: no I/O library is imported from here.
export * from './calendar';
export * from './errors/domainError';
export * from './aggregates/calendarEvent';
export * from './events/recordedEvent';
export * from './aggregates/user';
export * from './aggregates/userEmail';
export * from './streams/streamName';
export * from './time/calendarWindow';
export * from './time/timeZone';
export * from './time/isoInstant';
export * from './time/validDomain';
export * from './events/reminders';
export * from './recurrence';
export * from './intervals';
export * from './aggregates/schedule';
export * from './events/schemaVersions';
export * from './events/upcasting';
