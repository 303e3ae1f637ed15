import { createHash } from 'node:crypto';
import { normaliseEmail } from '../aggregates/userEmail';

// Any constant, never changed: the namespace of ids that stand for bare addresses, the same in every process.
const ADDRESS_NAMESPACE = Buffer.from('6d1c3f0e8a2b4c57b9e04f1a7d2c8e31', 'hex');

/**
 * The id that stands for an address with no account wherever an id is needed: the notifier's ledger names
 * such a recipient by it, and an answer by mail from a guest invited by address carries it as its actor
 * (so the notifier tells the organizer of it as of any guest's answer). A name-based UUID of the address in
 * its normal form (RFC 9562 §5.5, version 5: SHA-1): the same address is the same id everywhere, always.
 */
export function addressPrincipalID(email: string): string {
  const hash = createHash('sha1').update(ADDRESS_NAMESPACE).update(normaliseEmail(email), 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
