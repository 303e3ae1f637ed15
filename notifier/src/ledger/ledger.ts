import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { RenderedEmail } from '../email/emailContent';
import { skipUnverifiedAddresses } from '../users/unverifiedAddresses';
import type { PushEnvelope } from './entries';
import { limitMailPerSender, type SenderMailLimit } from './senderMailLimit';

export type Channel = 'email' | 'push';

/**
 * One notification as recorded before it is sent. The unique key (event, occurrence, recipient,
 * channel, device, kind) is what makes a redelivered event or a re-fired timer unable to send twice.
 */
export interface LedgerEntry {
  eventID: string;
  /** '' for a message about the event as a whole; the occurrence's start (ISO UTC) for a reminder. */
  occurrence: string;
  recipient: string;
  channel: Channel;
  /** The device of a push; '' for e-mail. */
  deviceID: string;
  /** `invitation@<version>`, `update@<version>`, `cancellation@<version>`, `reply@<version>`, `reminder-<minutes>m`. */
  kind: string;
  payload: RenderedEmail | PushEnvelope;
  late: boolean;
  /** When it should go: now for messages, the reminder's time for reminders. */
  dueAt: Date;
  /** Recorded as `skipped` with this reason instead of being sent. */
  skipReason?: string;
  /** Whose action caused it (the domain event's actor): what the per-sender mail limit counts. Unset for reminders. */
  actor?: string;
  /** Account mail (address verification, password reset, sign-up attempt) goes to an address not verified yet; nothing else does. */
  toUnverifiedAddress?: boolean;
}

/** `skipped`: recorded but deliberately not sent (a message about a change too old to matter). */
export type LedgerStatus = 'pending' | 'sent' | 'failed' | 'skipped';

const COLUMNS = 14;

/** The per-sender mail limit to apply while recording, and whom to tell of e-mails it held back. */
export interface SenderLimiting {
  limit: SenderMailLimit;
  onLimited(actor: string, count: number): void;
}

/**
 * Records entries; those already in the ledger are left as they are. Returns how many were new.
 * With `senders`, e-mails over their actor's limit are recorded as skipped (counted after the
 * e-mails to unverified addresses were set aside: those are not sent, so they spend no allowance).
 */
export async function recordNotifications(tx: SqlExecutor, given: LedgerEntry[], now: Date, senders?: SenderLimiting): Promise<number> {
  let entries = await skipUnverifiedAddresses(tx, given);
  if (senders) {
    const limited = await limitMailPerSender(tx, entries, now, senders.limit);
    entries = limited.entries;
    for (const [actor, count] of limited.limited) senders.onLimited(actor, count);
  }
  let inserted = 0;
  for (let offset = 0; offset < entries.length; offset += 500) {
    const chunk = entries.slice(offset, offset + 500);
    const params: unknown[] = [];
    const tuples = chunk.map((e, i) => {
      params.push(
        e.eventID, e.occurrence, e.recipient, e.channel, e.deviceID, e.kind, JSON.stringify(e.payload), e.late,
        e.dueAt.toISOString(), e.dueAt.toISOString(), now.toISOString(), e.skipReason === undefined ? 'pending' : 'skipped', e.skipReason ?? null, e.actor ?? null,
      );
      const b = i * COLUMNS;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::jsonb, $${b + 8}, $${b + 9}::timestamptz, $${b + 10}::timestamptz, $${b + 11}::timestamptz, $${b + 12}, $${b + 13}, $${b + 14})`;
    });
    const { rowCount } = await tx.query(
      `insert into notifier_ledger (event_id, occurrence, recipient, channel, device_id, kind, payload, late, due_at, next_attempt_at, created_at, status, last_error, actor)
       values ${tuples.join(', ')} on conflict do nothing`,
      params,
    );
    inserted += rowCount;
  }
  return inserted;
}

export interface ClaimedEntry {
  id: string;
  eventID: string;
  recipient: string;
  channel: Channel;
  deviceID: string;
  kind: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  dueAt: Date;
}

/**
 * Takes up to `limit` due entries for `leaseMs`. A sender that dies holding a lease loses it when it
 * expires, so another sender (or the same after a restart) sends the entry: nothing is lost.
 */
export async function claimDue(db: SqlExecutor, now: Date, leaseMs: number, limit: number): Promise<ClaimedEntry[]> {
  const { rows } = await db.query<{
    id: string; event_id: string; recipient: string; channel: Channel; device_id: string; kind: string; payload: unknown; attempts: number; created_at: Date | string; due_at: Date | string;
  }>(
    `update notifier_ledger set claimed_until = $2::timestamptz, attempts = attempts + 1
     where id in (
       select id from notifier_ledger
       where status = 'pending' and next_attempt_at <= $1::timestamptz and (claimed_until is null or claimed_until <= $1::timestamptz)
       order by next_attempt_at, id limit $3 for update skip locked)
     returning id::text, event_id::text, recipient::text, channel, device_id, kind, payload, attempts, created_at, due_at`,
    [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
  );
  return rows
    .map((r) => ({ id: r.id, eventID: r.event_id, recipient: r.recipient, channel: r.channel, deviceID: r.device_id, kind: r.kind, payload: r.payload, attempts: r.attempts, createdAt: new Date(r.created_at), dueAt: new Date(r.due_at) }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export async function markSent(db: SqlExecutor, id: string, at: Date): Promise<void> {
  await db.query(`update notifier_ledger set status = 'sent', sent_at = $2::timestamptz, claimed_until = null, last_error = null where id = $1::bigint`, [id, at.toISOString()]);
}

export async function markFailed(db: SqlExecutor, id: string, reason: string): Promise<void> {
  await db.query(`update notifier_ledger set status = 'failed', claimed_until = null, last_error = $2 where id = $1::bigint`, [id, reason.slice(0, 1000)]);
}

export async function scheduleRetry(db: SqlExecutor, id: string, at: Date, reason: string): Promise<void> {
  await db.query(`update notifier_ledger set next_attempt_at = $2::timestamptz, claimed_until = null, last_error = $3 where id = $1::bigint`, [id, at.toISOString(), reason.slice(0, 1000)]);
}

export interface LedgerView {
  notificationID: string;
  recipient: string;
  recipientName: string | null;
  channel: Channel;
  deviceID: string | null;
  kind: string;
  occurrence: string | null;
  status: LedgerStatus;
  attempts: number;
  late: boolean;
  createdAt: string;
  dueAt: string;
  sentAt: string | null;
  lastError: string | null;
}

/** Everything recorded for one event, oldest first. */
export async function notificationsOfEvent(db: SqlExecutor, eventID: string, limit: number): Promise<LedgerView[]> {
  const { rows } = await db.query<{
    id: string; recipient: string; user_name: string | null; channel: Channel; device_id: string; kind: string; occurrence: string; status: LedgerStatus; attempts: number; late: boolean;
    created_at: Date | string; due_at: Date | string; sent_at: Date | string | null; last_error: string | null;
  }>(
    `select l.id::text, l.recipient::text, u.user_name, l.channel, l.device_id, l.kind, l.occurrence, l.status, l.attempts, l.late, l.created_at, l.due_at, l.sent_at, l.last_error
     from notifier_ledger l left join notifier_users u on u.user_id = l.recipient
     where l.event_id = $1 order by l.id limit $2`,
    [eventID, limit],
  );
  const iso = (value: Date | string) => new Date(value).toISOString();
  return rows.map((r) => ({
    notificationID: r.id,
    recipient: r.recipient,
    recipientName: r.user_name,
    channel: r.channel,
    deviceID: r.device_id === '' ? null : r.device_id,
    kind: r.kind,
    occurrence: r.occurrence === '' ? null : r.occurrence,
    status: r.status,
    attempts: r.attempts,
    late: r.late,
    createdAt: iso(r.created_at),
    dueAt: iso(r.due_at),
    sentAt: r.sent_at === null ? null : iso(r.sent_at),
    lastError: r.last_error,
  }));
}
