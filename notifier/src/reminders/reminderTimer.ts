import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { backgroundLoop } from '../background/loop';
import { toRecipient } from '../calendarEvents/calendarEventReactor';
import { loadEventStates } from '../calendarEvents/eventStateStore';
import { devicesOfUsers } from '../devices/deviceRegistry';
import { reminderEntries } from '../ledger/entries';
import { type LedgerEntry, recordNotifications } from '../ledger/ledger';
import type { UserDirectory } from '../users/userDirectory';
import { dueReminders, takeReminder } from './reminderStore';

export interface ReminderTimerOptions {
  db: SqlDatabase;
  directory: UserDirectory;
  clock: () => Date;
  logger: Logger;
  /** How often to look for due timers when the last look found none. */
  tickMs: number;
  /** A reminder sent more than this after its time is marked late. */
  lateAfterMs: number;
  batchSize: number;
  /** Called after due reminders became ledger entries, so the sender need not wait for its next poll. */
  onRecorded(): void;
}

/**
 * The durable timer. Timers are rows; a due row is deleted and its notifications recorded in one
 * transaction, so a reminder fires once even across crashes and several processes, and one that
 * fell due while the notifier was down fires when it is back, marked late (or, if its occurrence is
 * over by then, is recorded as skipped).
 */
export function reminderTimer(options: ReminderTimerOptions) {
  const { db, directory, logger } = options;
  async function tick(): Promise<boolean> {
    const now = options.clock();
    const due = await dueReminders(db, now, options.batchSize);
    if (due.length === 0) return false;
    const events = await loadEventStates(db, [...new Set(due.map((r) => r.eventID))]);
    const profiles = await directory.get(due.map((r) => r.userID));
    let recorded = 0;
    let late = 0;
    await db.transaction(async (tx) => {
      const devices = await devicesOfUsers(tx, [...new Set(due.filter((r) => r.method === 'push').map((r) => r.userID))]);
      const entries: LedgerEntry[] = [];
      for (const reminder of due) {
        if (!(await takeReminder(tx, reminder))) continue;
        const event = events.get(reminder.eventID);
        const profile = profiles.get(reminder.userID);
        if (!event || event.status !== 'scheduled' || !profile) continue;
        const isLate = now.getTime() - Date.parse(reminder.fireAt) > options.lateAfterMs;
        if (isLate) late += 1;
        const made = reminderEntries({ reminder, event, reader: toRecipient(profile), devices: devices.get(reminder.userID) ?? [], now, late: isLate });
        // A reminder of an occurrence that is already over helps no one: it is accounted for, not sent.
        const ended = now.getTime() >= Date.parse(reminder.occurrenceStart) + Date.parse(event.endTime) - Date.parse(event.startTime);
        entries.push(...(ended ? made.map((e) => ({ ...e, skipReason: 'the occurrence had ended when the reminder could be sent' })) : made));
      }
      recorded = await recordNotifications(tx, entries, now);
    });
    if (recorded > 0) {
      logger.info({ reminders: due.length, notifications: recorded, late }, 'reminders due');
      options.onRecorded();
    }
    return due.length === options.batchSize;
  }
  return backgroundLoop({ tick, idleMs: options.tickMs, errorMs: 1_000, onError: (err) => logger.error({ err }, 'reminder timer failed; retrying') });
}
