/**
 * The reminder events the notifier consumes. The brief asked for their schemas here until the lead
 * moved them into shared-kernel; that has happened (`RemindersChanged` on the CalendarEvent stream,
 * `DefaultRemindersChanged` on the User stream), so this file only names what the notifier relies on.
 * Shape as Google Calendar's API: `{useDefault, overrides: [{method: "email"|"push", minutes}]}`,
 * at most 5 overrides, up to 4 weeks (40320 minutes) ahead.
 */
export {
  DEFAULT_REMINDERS as BUILT_IN_DEFAULT_REMINDERS,
  DefaultRemindersChanged,
  EventReminders,
  ReminderOverride,
  RemindersChanged,
} from '@datebook/shared-kernel';
export type { ReminderOverride as Reminder } from '@datebook/shared-kernel';

export type ReminderMethod = 'email' | 'push';
