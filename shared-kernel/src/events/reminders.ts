import { z } from 'zod';

/** A reminder N minutes before start, as Google Calendar's API names it. Up to 4 weeks ahead. */
export const ReminderOverride = z.object({
  method: z.enum(['email', 'push']),
  minutes: z.number().int().min(0).max(40320),
});
export type ReminderOverride = z.infer<typeof ReminderOverride>;

/** One person's reminders on one event: their defaults, or up to five of their own. */
export const EventReminders = z.object({
  useDefault: z.boolean(),
  overrides: z.array(ReminderOverride).max(5).default([]),
});
export type EventReminders = z.infer<typeof EventReminders>;

/** What a user gets when an event names no reminders of theirs, until they choose otherwise. */
export const DEFAULT_REMINDERS: ReminderOverride[] = [{ method: 'email', minutes: 10 }];

export function sameReminders(a: EventReminders | undefined, b: EventReminders): boolean {
  if (!a || a.useDefault !== b.useDefault || a.overrides.length !== b.overrides.length) return false;
  return a.overrides.every((o, i) => o.method === b.overrides[i]?.method && o.minutes === b.overrides[i]?.minutes);
}
