import { z } from 'zod';
import { ReminderOverride } from './reminders';

/** The published contract of the User and UserEmail streams. */
export const UserRegistered = z.object({
  userID: z.string().uuid(),
  userName: z.string(),
  email: z.string(),
  /** scrypt hash in `scrypt$N$r$p$salt$hash` form; never the password. */
  passwordHash: z.string(),
  timeZone: z.string().default('UTC'),
});

/** Reserves an e-mail address: the UserEmail stream can only be created once, which makes addresses unique. */
export const EmailClaimed = z.object({ email: z.string(), userID: z.string().uuid() });

export const PreferredTimeZoneChanged = z.object({ userID: z.string().uuid(), timeZone: z.string() });
export const DefaultRemindersChanged = z.object({ userID: z.string().uuid(), reminders: z.array(ReminderOverride) });

/** Working hours per ISO weekday (1 = Monday) as local wall times "HH:MM" in the user's zone. */
export const WorkingHoursPeriod = z.object({ day: z.number().int().min(1).max(7), start: z.string(), end: z.string() });
export const WorkingHoursChanged = z.object({ userID: z.string().uuid(), workingHours: z.array(WorkingHoursPeriod) });

export const userEventSchemas = {
  UserRegistered,
  EmailClaimed,
  PreferredTimeZoneChanged,
  DefaultRemindersChanged,
  WorkingHoursChanged,
} as const;
type Schemas = typeof userEventSchemas;
export type UserEventType = keyof Schemas;
export type UserEvent = { [K in UserEventType]: { type: K; data: z.infer<Schemas[K]> } }[UserEventType];

export function parseUserEvent(type: string, data: unknown): UserEvent | undefined {
  if (!Object.hasOwn(userEventSchemas, type)) return undefined;
  const key = type as UserEventType;
  return { type: key, data: userEventSchemas[key].parse(data) } as UserEvent;
}
