import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { LedgerEntry } from '../ledger/ledger';

/** Why a message was recorded and not mailed: the recipient never confirmed the address. */
export const UNVERIFIED_ADDRESS = 'UNVERIFIED_ADDRESS';

/**
 * Marks as skipped every e-mail to a recipient whose address is not verified (or who has no profile
 * here), except account mail (verification, password reset, "someone tried to sign up"): otherwise
 * anyone could sign up with a stranger's address and have Datebook mail them invitations worded by
 * the attacker. Pushes go to the user's own signed-in devices and are left alone.
 */
export async function skipUnverifiedAddresses(tx: SqlExecutor, entries: LedgerEntry[]): Promise<LedgerEntry[]> {
  const recipients = [...new Set(entries.filter((e) => e.channel === 'email' && !e.toUnverifiedAddress && e.skipReason === undefined).map((e) => e.recipient))];
  if (recipients.length === 0) return entries;
  const { rows } = await tx.query<{ user_id: string }>('select user_id::text from notifier_users where user_id = any($1::uuid[]) and email_verified', [recipients]);
  const verified = new Set(rows.map((r) => r.user_id));
  return entries.map((e) =>
    e.channel === 'email' && !e.toUnverifiedAddress && e.skipReason === undefined && !verified.has(e.recipient) ? { ...e, skipReason: UNVERIFIED_ADDRESS } : e,
  );
}
