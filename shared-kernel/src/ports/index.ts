// Ports and the adapters that need no driver. Each driver's adapters have their own entry point
// (ports/pg, ports/pglite, ports/kafka, ports/redis, ports/kurrent), so a process loads only the drivers it uses.
export * from './eventStore/eventStore';
export * from './eventStore/postgresEventStore';
export { shardOfStream } from './eventStore/shardedEventStore';
export * from './eventStore/inMemoryEventStore';
export * from './sql/sqlDatabase';
export * from './sql/appliedSchema';
export * from './readModel/readModelSchema';
export * from './readModel/attendanceRows';
export * from './readModel/readModelProgress';
export * from './eventSource/eventSource';
export * from './eventSource/storeTailingEventSource';
export * from './eventSource/parkedEvents';
export * from './eventSource/parkingSubscription';
export * from './accessStamps/accessStamps';
export * from './accessStamps/inMemoryAccessStamps';
export * from './accessStamps/stampingEventStore';
export * from './calendarViews/calendarViews';
export * from './calendarViews/inMemoryCalendarViews';
export * from './calendarViews/readModelViewEntries';
export * from './calendarViews/viewBusyTime';
export * from './viewCopies/viewCopyRequests';
export * from './viewCopies/calendarViewCopier';
export * from './viewCopies/viewCopyConsumer';
export * from '../calendars/calendarReads';
export * from '../calendars/caughtUpFolds';
export * from '../calendars/stampedRoles';
