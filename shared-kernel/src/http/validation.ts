import type { z } from 'zod';
import { DomainError } from '../errors/domainError';

/** Parses request input with its zod schema; failures name every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : where,
    message: issue.message,
  }));
  throw new DomainError('VALIDATION_FAILED', `the request ${where} is invalid`, errors);
}
