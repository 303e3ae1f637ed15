import type { SqlExecutor } from '@datebook/shared-kernel/ports';

export interface LedgerTiming {
  kind: string;
  channel: string;
  late: boolean;
  /** When it was due (a reminder's time; a message's recording time). */
  dueAt: number;
  createdAt: number;
  /** When the transport accepted it (the notifier's clock). */
  sentAt: number | null;
}

/** Due, recorded and sent times of every ledger entry: what a benchmark of reminder timing reads. */
export async function ledgerTimings(db: SqlExecutor, kindPrefix = ''): Promise<LedgerTiming[]> {
  const { rows } = await db.query<{ kind: string; channel: string; late: boolean; due_at: Date | string; created_at: Date | string; sent_at: Date | string | null }>(
    `select kind, channel, late, due_at, created_at, sent_at from notifier_ledger where kind like $1 order by due_at`,
    [`${kindPrefix}%`],
  );
  return rows.map((r) => ({
    kind: r.kind,
    channel: r.channel,
    late: r.late,
    dueAt: new Date(r.due_at).getTime(),
    createdAt: new Date(r.created_at).getTime(),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at).getTime(),
  }));
}
