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
  payload: RenderedEmail | PushEnvelope | DeferredEmail;
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

/**
 * An e-mail rendered only when it is recorded to be sent; one recorded as skipped keeps its address alone
 * (it is never sent, and nothing reads a skipped entry's payload).
 */
export interface DeferredEmail {
  to: string;
  render(): RenderedEmail;
}

const isDeferred = (payload: LedgerEntry['payload']): payload is DeferredEmail => typeof (payload as Partial<DeferredEmail>).render === 'function';

/** `skipped`: recorded but deliberately not sent (a message about a change too old to matter). */
export type LedgerStatus = 'pending' | 'sent' | 'failed' | 'skipped';

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
  if (entries.length === 0) return 0;
  // One JSON parameter for all the rows (PostgreSQL parses it far faster than thousands of parameters), kept in order.
  const rows = entries.map((e) => ({
    eventID: e.eventID, occurrence: e.occurrence, recipient: e.recipient, channel: e.channel, deviceID: e.deviceID, kind: e.kind,
    payload: !isDeferred(e.payload) ? e.payload : e.skipReason === undefined ? e.payload.render() : { to: e.payload.to }, late: e.late,
    dueAt: e.dueAt.toISOString(), status: e.skipReason === undefined ? 'pending' : 'skipped', skipReason: e.skipReason ?? null, actor: e.actor ?? null,
  }));
  const { rowCount } = await tx.query(
    `insert into notifier_ledger (event_id, occurrence, recipient, channel, device_id, kind, payload, late, due_at, next_attempt_at, created_at, status, last_error, actor)
     select x."eventID", x.occurrence, x.recipient, x.channel, x."deviceID", x.kind, x.payload, x.late, x."dueAt", x."dueAt", $2::timestamptz, x.status, x."skipReason", x.actor
     from rows from (jsonb_to_recordset($1::jsonb) as ("eventID" uuid, occurrence text, recipient uuid, channel text, "deviceID" text, kind text, payload jsonb, late boolean,
       "dueAt" timestamptz, status text, "skipReason" text, actor text)) with ordinality
       as x("eventID", occurrence, recipient, channel, "deviceID", kind, payload, late, "dueAt", status, "skipReason", actor, n)
     order by x.n
     on conflict do nothing`,
    [JSON.stringify(rows), now.toISOString()],
  );
  return rowCount;
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
