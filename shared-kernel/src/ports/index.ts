// Ports and their adapters: the I/O half of the shared kernel.
export * from './eventStore/eventStore';
export * from './eventStore/postgresEventStore';
export * from './sql/pgliteSqlDatabase';
export * from './sql/pgSqlDatabase';
export * from './sql/sqlDatabase';
export * from './readModel/readModelSchema';
export * from './eventSource/eventSource';
export * from './eventSource/storeTailingEventSource';
export * from './readModel/attendanceRows';
export * from './eventSource/kafkaConnection';
export * from './eventSource/kafkaEventCodec';
export * from './eventSource/kafkaEventSource';
export * from './relay/kafkaRelay';
export * from './calendarViews/calendarViews';
export * from './calendarViews/inMemoryCalendarViews';
export * from './calendarViews/redisCalendarViews';
export * from './calendarViews/readModelViewEntries';
