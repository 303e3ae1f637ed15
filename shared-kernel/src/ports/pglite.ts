// PostgreSQL embedded in the process (PGlite): the embedded default and fast tests.
export * from './sql/pgliteSqlDatabase';
