import { decodeConsistencyToken, DomainError } from '@datebook/shared-kernel';
import { type ProjectionProgress, untilApplied } from '@datebook/shared-kernel/ports';
import type { RequestHandler } from 'express';

/**
 * Read-your-writes on demand: a read carrying `X-Consistency-Token` waits (bounded) until the read
 * model has reached that write; past the bound it fails with CONSISTENCY_TIMEOUT (503, Retry-After).
 * Resolves true when the read must see fresh state, false when no token was sent.
 */
export function consistencyWait(progress: ProjectionProgress, options: { timeoutMs?: number; pollMs?: number } = {}): (header: string | string[] | undefined) => Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const pollMs = options.pollMs ?? 5;
  return async (header) => {
    if (header === undefined || header === '') return false;
    const wanted = typeof header === 'string' ? decodeConsistencyToken(header) : undefined;
    if (!wanted) {
      throw new DomainError('VALIDATION_FAILED', 'X-Consistency-Token is not a token this API gave out', [{ path: 'X-Consistency-Token', message: 'malformed' }]);
    }
    if (await untilApplied(progress, wanted, { timeoutMs, pollMs })) return true;
    throw new DomainError('CONSISTENCY_TIMEOUT', 'the views have not caught up with that write yet; retry shortly');
  };
}

/** `consistencyWait` for Express routes: sets `res.locals.readYourWrites`. */
export function readYourWrites(wait: ReturnType<typeof consistencyWait>): RequestHandler {
  return (req, res, next) => {
    wait(req.headers['x-consistency-token']).then(
      (fresh) => {
        if (fresh) res.locals.readYourWrites = true;
        next();
      },
      next,
    );
  };
}
