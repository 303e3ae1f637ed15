import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { LedgerEntry } from './ledger';

/** How many e-mails the actions of one person may cause, per sliding hour and per sliding day. */
export interface SenderMailLimit {
  perHour: number;
  perDay: number;
}

/** The skip reason of an e-mail over its sender's limit, as the ledger and its API show it. */
export const SENDER_RATE_LIMITED = 'SENDER_RATE_LIMITED';

// Any constant: the first key of the per-actor lock, the same in every notifier process.
const SENDER_LOCK = 0x73656e64;

const HOUR_MS = 3_600_000;

/**
 * Caps the e-mails one actor (whose action caused them: the host who invites, the guest who answers)
 * makes Datebook send, so an account cannot turn it into a mailer of its own words to any address.
 * Counts come from the ledger itself (e-mails of this actor recorded for sending in the last hour and
 * day, by the notifier's clock), so they survive restarts and hold across processes; a transaction
 * lock per actor keeps two processes from both spending the same allowance (the locks of a whole delivery's
 * actors are taken at once, in one order). E-mails over the limit are
 * recorded as skipped with SENDER_RATE_LIMITED: accounted for, never sent, never retried. Entries
 * without an actor (reminders: the reader's own settings) and those skipped already are not counted.
 */
export async function limitMailPerSender(tx: SqlExecutor, entries: LedgerEntry[], now: Date, limit: SenderMailLimit): Promise<{ entries: LedgerEntry[]; limited: Map<string, number> }> {
  const limited = new Map<string, number>();
  const counted = (e: LedgerEntry): e is LedgerEntry & { actor: string } => e.channel === 'email' && e.skipReason === undefined && e.actor !== undefined;
  const actors = [...new Set(entries.filter(counted).map((e) => e.actor))].sort();
  if (actors.length === 0) return { entries, limited };
  // Every actor's lock in one statement, taken in the same (sorted) order by every process, then every count in one.
  await tx.query('select count(pg_advisory_xact_lock($1, hashtext(s.actor))) from (select unnest($2::text[]) as actor order by 1) s', [SENDER_LOCK, actors]);
  const { rows } = await tx.query<{ actor: string; hour: string; day: string }>(
    `select actor, count(*) filter (where created_at > $2::timestamptz)::text as hour, count(*)::text as day
     from notifier_ledger where actor = any($1::text[]) and channel = 'email' and status <> 'skipped' and created_at > $3::timestamptz
     group by actor`,
    [actors, new Date(now.getTime() - HOUR_MS).toISOString(), new Date(now.getTime() - 24 * HOUR_MS).toISOString()],
  );
  const sent = new Map(rows.map((row) => [row.actor, row] as const));
  const allowance = new Map<string, number>();
  for (const actor of actors) {
    const spent = sent.get(actor);
    allowance.set(actor, Math.max(0, Math.min(limit.perHour - Number(spent?.hour ?? 0), limit.perDay - Number(spent?.day ?? 0))));
  }
  const result = entries.map((entry) => {
    if (!counted(entry)) return entry;
    const left = allowance.get(entry.actor) ?? 0;
    if (left > 0) {
      allowance.set(entry.actor, left - 1);
      return entry;
    }
    limited.set(entry.actor, (limited.get(entry.actor) ?? 0) + 1);
    return { ...entry, skipReason: SENDER_RATE_LIMITED };
  });
  return { entries: result, limited };
}
