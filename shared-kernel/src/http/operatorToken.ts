import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether `Authorization: Bearer <token>` carries the operators' token (config `OPS_TOKEN`). Both sides are
 * hashed first, so the comparison takes the same time whatever the length or the first differing byte.
 * Without a configured token nobody is an operator.
 */
export function isOperator(authorization: string | undefined, opsToken: string | undefined): boolean {
  if (!opsToken) return false;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(opsToken));
}
