import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@datebook/shared-kernel';

/** NIST SP 800-63B §5.1.1.2: at least 8 characters, and we ask 10; at least 64 must be allowed, and we allow 256. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

// The 10,000 most common passwords of 10 characters or more, lower-cased (provenance: commonPasswords/README.md).
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(readFileSync(join(__dirname, 'commonPasswords', 'common-passwords-10-plus.txt'), 'utf8').split('\n').filter((line) => line.length > 0));
  return common;
}

/** Length in Unicode code points: NIST counts each character once, however many UTF-16 units it takes. */
const lengthOf = (text: string) => [...text].length;

/**
 * Why a chosen password is refused, or undefined when it is acceptable. NIST SP 800-63B §5.1.1.2: no
 * composition rules, but a minimum length, a check against commonly used passwords, and against
 * context-specific words (the account's own address and name). Compared without letter case.
 */
export function passwordProblem(password: string, context: { email: string; userName: string }): string | undefined {
  const length = lengthOf(password);
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  const folded = password.normalize('NFKC').toLowerCase();
  const email = context.email.trim().toLowerCase();
  const localPart = email.split('@')[0] ?? '';
  const contextual = [email, localPart, context.userName.trim().toLowerCase()].filter((word) => word.length > 0);
  if (contextual.includes(folded.trim())) return 'must not be your e-mail address or your name';
  if (commonPasswords().has(folded)) return 'is one of the most commonly used passwords; choose another';
  return undefined;
}

/** Throws VALIDATION_FAILED naming `field` when the password is not acceptable; changes nothing. */
export function assertAcceptablePassword(password: string, context: { email: string; userName: string }, field = 'password'): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new DomainError('VALIDATION_FAILED', `the ${field === 'password' ? 'password' : 'new password'} is not acceptable`, [{ path: field, message: problem }]);
}
