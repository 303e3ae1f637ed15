import type { SqlExecutor } from './sqlDatabase';

/** SQLSTATE 25P02: "current transaction is aborted, commands ignored until end of transaction block". */
const IN_FAILED_TRANSACTION = '25P02';
/** SQLSTATE 26000: a prepared statement is not there, as when its Parse was refused in an aborted transaction. */
const NO_SUCH_STATEMENT = '26000';

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

export interface InFlightStatements {
  tx: SqlExecutor;
  /** The work has returned (or thrown): a statement sent on `tx` from now on is refused, and fails the transaction. */
  close(): void;
  /** Resolves once every statement sent so far is answered; rejects with the first failure among them. */
  settled(): Promise<void>;
  /**
   * The failure to report when the transaction failed with `otherwise`: when that is a statement refused only
   * because an earlier one aborted the transaction, the earlier one's failure; else `otherwise`, which may be
   * the work's own answer to a failure it caught.
   */
  firstFailure(otherwise: unknown): Promise<unknown>;
}

/**
 * A transaction's executor that keeps the statements sent on it and not yet answered, so the transaction can
 * commit right behind those its work did not wait for (see SqlDatabase.transaction) and fail when one fails.
 */
export function inFlightStatements(executor: SqlExecutor): InFlightStatements {
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  const track = (answer: Promise<unknown>) => {
    inFlight.add(answer);
    // Handled here, so work that never waits for a statement does not leave an unhandled rejection; a failed
    // statement stays in the set, and settled() fails the transaction with it.
    answer.then(() => inFlight.delete(answer), () => undefined);
  };
  return {
    tx: {
      query(text, params) {
        // A statement sent once the work has returned would land behind COMMIT, outside the transaction, on a
        // connection already handed to someone else: work that sends without waiting must send synchronously.
        if (closed) {
          const refused = Promise.reject(new Error(`a statement was sent after its transaction ended: ${text.slice(0, 80)}`));
          track(refused);
          return refused as never;
        }
        const answer = executor.query(text, params);
        track(answer);
        return answer as never;
      },
    },
    close() {
      closed = true;
    },
    async settled() {
      await Promise.all(inFlight);
    },
    async firstFailure(otherwise) {
      const code = codeOf(otherwise);
      if (code !== IN_FAILED_TRANSACTION && code !== NO_SUCH_STATEMENT) return otherwise;
      return Promise.all(inFlight).then(() => otherwise, (first: unknown) => first);
    },
  };
}
