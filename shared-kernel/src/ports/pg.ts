// PostgreSQL through node-postgres: imported only by processes that talk to a PostgreSQL server.
export * from './sql/pgSqlDatabase';
