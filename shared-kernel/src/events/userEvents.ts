import { z } from 'zod';

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

export const userEventSchemas = { UserRegistered, EmailClaimed } as const;
type Schemas = typeof userEventSchemas;
export type UserEventType = keyof Schemas;
export type UserEvent = { [K in UserEventType]: { type: K; data: z.infer<Schemas[K]> } }[UserEventType];

export function parseUserEvent(type: string, data: unknown): UserEvent | undefined {
  if (!Object.hasOwn(userEventSchemas, type)) return undefined;
  const key = type as UserEventType;
  return { type: key, data: userEventSchemas[key].parse(data) } as UserEvent;
}
