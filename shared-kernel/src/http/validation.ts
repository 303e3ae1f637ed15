import type { z } from 'zod';
import { DomainError, type FieldError } from '../errors/domainError';

const WHERE = { body: 'the request body is invalid', query: 'the query parameters are invalid', params: 'the path parameters are invalid' } as const;

// NUL cannot be stored in PostgreSQL text or jsonb; a lone surrogate is not Unicode and breaks every encoder downstream.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string (keys included) that no store or client could keep, by path. Input is parsed JSON, so bounded. */
function unstorableText(value: unknown, path: string[], found: FieldError[]): void {
  if (found.length >= 20) return;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) found.push({ path: path.join('.') || 'body', message: 'contains NUL or an unpaired surrogate' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => unstorableText(item, [...path, String(i)], found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) found.push({ path: [...path, key].join('.'), message: 'field name contains NUL or an unpaired surrogate' });
      unstorableText(item, [...path, key], found);
    }
  }
}

/** Parses request input with its zod schema; failures name every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const unstorable: FieldError[] = [];
  unstorableText(input, [], unstorable);
  if (unstorable.length > 0) throw new DomainError('VALIDATION_FAILED', WHERE[where], unstorable);
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const pathOf = (path: PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : where);
  const errors = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  throw new DomainError('VALIDATION_FAILED', WHERE[where], errors);
}
