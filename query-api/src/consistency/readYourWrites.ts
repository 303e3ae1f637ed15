import { decodeConsistencyToken, DomainError, type WrittenVersion } from '@datebook/shared-kernel';
import type { RequestHandler } from 'express';

export interface ProjectionProgress {
  /** True once the read model includes the given version of the stream. */
  hasApplied(written: WrittenVersion): Promise<boolean>;
}

/**
 * Read-your-writes on demand: a read carrying `X-Consistency-Token` waits (bounded) until the read
 * model has reached that write, then answers; past the bound it answers 503 with Retry-After.
 */
export function readYourWrites(progress: ProjectionProgress, options: { timeoutMs?: number; pollMs?: number } = {}): RequestHandler {
  const timeoutMs = options.timeoutMs ?? 2000;
  const pollMs = options.pollMs ?? 5;
  return async (req, res, next) => {
    const header = req.headers['x-consistency-token'];
    if (header === undefined || header === '') return next();
    const wanted = typeof header === 'string' ? decodeConsistencyToken(header) : undefined;
    if (!wanted) {
      return next(new DomainError('VALIDATION_FAILED', 'X-Consistency-Token is not a token this API gave out', [{ path: 'X-Consistency-Token', message: 'malformed' }]));
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await progress.hasApplied(wanted)) {
        res.locals.readYourWrites = true;
        return next();
      }
      if (Date.now() >= deadline) return next(new DomainError('CONSISTENCY_TIMEOUT', 'the views have not caught up with that write yet; retry shortly'));
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}
