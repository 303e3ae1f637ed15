import type { SqlExecutor } from './sqlDatabase';

/** SQLSTATE 25P02: "current transaction is aborted, commands ignored until end of transaction block". */
const IN_FAILED_TRANSACTION = '25P02';

/**
 * A transaction's executor that keeps the statements sent on it and not yet answered, so the transaction can
 * commit right behind those its work did not wait for (see SqlDatabase.transaction) and fail when one fails.
 */
export function inFlightStatements(executor: SqlExecutor): { tx: SqlExecutor; close(): void; settled(): Promise<void>; firstFailure(otherwise: unknown): Promise<unknown> } {
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  return {
    tx: {
      query(text, params) {
        // A statement sent once the work has returned would land behind COMMIT, outside the transaction, on a
        // connection already handed to someone else: work that sends without waiting must send synchronously.
        if (closed) return Promise.reject(new Error(`a statement was sent after its transaction ended: ${text.slice(0, 80)}`));
        const answer = executor.query(text, params);
        inFlight.add(answer);
        // Handled here, so work that never waits for a statement does not leave an unhandled rejection; its
        // failure still fails the transaction through settled().
        answer.then(() => inFlight.delete(answer), () => undefined);
        return answer as never;
      },
    },
    /** The work has returned (or thrown): no statement may be sent on `tx` any more. */
    close() {
      closed = true;
    },
    /** Resolves once every statement sent so far is answered; rejects with the first failure among them. */
    async settled() {
      await Promise.all(inFlight);
    },
    /**
     * The failure to report when the transaction failed with `otherwise`: when that is a statement refused only
     * because an earlier one aborted the transaction (SQLSTATE 25P02), the earlier one's failure; else `otherwise`,
     * which may be the work's own answer to a failure it caught.
     */
    async firstFailure(otherwise) {
      if ((otherwise as { code?: unknown } | null)?.code !== IN_FAILED_TRANSACTION) return otherwise;
      return Promise.all(inFlight).then(() => otherwise, (first: unknown) => first);
    },
  };
}
