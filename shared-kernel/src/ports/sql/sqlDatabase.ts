/**
 * The slice of PostgreSQL that Datebook's stores need, so the same SQL runs on a PostgreSQL server
 * (`pg`) and on embedded PGlite. Parameters use `$1` placeholders.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Statements `work`
   * sent and did not wait for are part of it: the commit follows them at once (on PostgreSQL in the same round
   * trip, so locks they take are not held while this process answers other work), and the transaction fails,
   * rolled back, with the first of them that fails.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (schema migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** SQLSTATE 23505: a unique constraint was violated. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
