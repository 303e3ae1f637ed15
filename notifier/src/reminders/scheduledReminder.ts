import type { ReminderMethod } from '../reminderEvents';

/**
 * One durable reminder timer, keyed by (event, occurrence start, user, method, minutes): what
 * `planReminders` plans, `notifier_reminders` stores and the timer takes once `fireAt` has passed.
 */
export interface ScheduledReminder {
  eventID: string;
  /** The start of the occurrence reminded of (ISO UTC): a single event has one, a series many. */
  occurrenceStart: string;
  userID: string;
  method: ReminderMethod;
  minutes: number;
  fireAt: string;
}
