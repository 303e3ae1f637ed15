import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { ReminderMethod } from '../reminderEvents';
import type { ScheduledReminder } from './scheduledReminder';

/**
 * Replaces the pending timers of an event (or of one user on it) by a fresh plan, in the caller's
 * transaction: moving or cancelling an event moves or cancels its reminders atomically with the change.
 */
export async function replaceReminders(tx: SqlExecutor, eventID: string, plan: ScheduledReminder[], onlyUser?: string): Promise<void> {
  if (onlyUser === undefined) await tx.query('delete from notifier_reminders where event_id = $1', [eventID]);
  else await tx.query('delete from notifier_reminders where event_id = $1 and user_id = $2', [eventID, onlyUser]);
  if (plan.length > 0) await tx.query(...remindersInsert(plan, 'do update set fire_at = excluded.fire_at'));
}

/**
 * Replaces the pending timers of several events at once (a delivery's): `plan` holds the fresh plans of all of
 * them. Sent without waiting for the answers, so the transaction's commit follows in the same round trip
 * (SqlDatabase.transaction): call it inside one, last or with only sends after it.
 */
export function replaceRemindersOfEvents(tx: SqlExecutor, eventIDs: readonly string[], plan: ScheduledReminder[]): void {
  if (eventIDs.length === 0) return;
  void tx.query('delete from notifier_reminders where event_id = any($1::uuid[])', [eventIDs]);
  if (plan.length > 0) void tx.query(...remindersInsert(plan, 'do update set fire_at = excluded.fire_at'));
}

/** Adds timers that are not there yet; returns how many were new. */
export async function addReminders(db: SqlExecutor, plan: ScheduledReminder[]): Promise<number> {
  if (plan.length === 0) return 0;
  return (await db.query(...remindersInsert(plan, 'do nothing'))).rowCount;
}

function remindersInsert(plan: ScheduledReminder[], onConflict: string): [string, unknown[]] {
  return [
    `insert into notifier_reminders (event_id, occurrence_start, user_id, method, minutes, fire_at)
     select r."eventID", r."occurrenceStart", r."userID", r.method, r.minutes, r."fireAt"
     from jsonb_to_recordset($1::jsonb) as r("eventID" uuid, "occurrenceStart" timestamptz, "userID" uuid, method text, minutes integer, "fireAt" timestamptz)
     on conflict (event_id, occurrence_start, user_id, method, minutes) ${onConflict}`,
    [JSON.stringify(plan.map((r) => ({ eventID: r.eventID, occurrenceStart: r.occurrenceStart, userID: r.userID, method: r.method, minutes: r.minutes, fireAt: r.fireAt })))],
  ];
}

export async function dueReminders(db: SqlExecutor, now: Date, limit: number): Promise<ScheduledReminder[]> {
  const { rows } = await db.query<{ event_id: string; occurrence_start: Date | string; user_id: string; method: ReminderMethod; minutes: number; fire_at: Date | string }>(
    `select event_id::text, occurrence_start, user_id::text, method, minutes, fire_at from notifier_reminders
     where fire_at <= $1::timestamptz order by fire_at limit $2`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => ({
    eventID: r.event_id,
    occurrenceStart: new Date(r.occurrence_start).toISOString(),
    userID: r.user_id,
    method: r.method,
    minutes: r.minutes,
    fireAt: new Date(r.fire_at).toISOString(),
  }));
}

/** Takes a due timer; false when another process took it or a change replaced it meanwhile. */
export async function takeReminder(tx: SqlExecutor, reminder: ScheduledReminder): Promise<boolean> {
  const { rowCount } = await tx.query(
    `delete from notifier_reminders where event_id = $1 and occurrence_start = $2::timestamptz and user_id = $3 and method = $4 and minutes = $5 and fire_at = $6::timestamptz`,
    [reminder.eventID, reminder.occurrenceStart, reminder.userID, reminder.method, reminder.minutes, reminder.fireAt],
  );
  return rowCount > 0;
}
