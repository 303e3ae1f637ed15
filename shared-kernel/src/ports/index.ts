// Ports and their adapters: the I/O half of the shared kernel.
export * from './eventStore/eventStore';
export * from './eventStore/postgresEventStore';
export * from './sql/pgliteSqlDatabase';
export * from './sql/pgSqlDatabase';
export * from './sql/sqlDatabase';
export * from './readModel/readModelSchema';
export * from './eventSource/eventSource';
export * from './eventSource/storeTailingEventSource';
