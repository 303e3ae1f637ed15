import { z } from 'zod';
import type { StoredEvent } from '../../events/recordedEvent';
import { ReminderOverride } from '../../events/reminders';
import { upcast } from '../../events/upcasting';

/** The published contract of the User and UserEmail streams. */
export const UserRegistered = z.object({
  userID: z.string().uuid(),
  userName: z.string(),
  email: z.string(),
  /** scrypt hash in `scrypt$N$r$p$salt$hash` form; never the password. */
  passwordHash: z.string(),
  timeZone: z.string().default('UTC'),
});

/** What a registration writes to the User stream; kept in the address claim so anyone can finish it alike. */
export const PendingRegistration = UserRegistered.omit({ userID: true, email: true });

/**
 * Reserves an e-mail address: the UserEmail stream can only be created once, which makes addresses
 * unique. It carries the registration itself, so a registration interrupted after the claim is
 * completed with the claimant's own data, never with a later caller's password. Claims written
 * before that carry none.
 */
export const EmailClaimed = z.object({ email: z.string(), userID: z.string().uuid(), registration: PendingRegistration.optional() });

export const PreferredTimeZoneChanged = z.object({ userID: z.string().uuid(), timeZone: z.string() });
export const DefaultRemindersChanged = z.object({ userID: z.string().uuid(), reminders: z.array(ReminderOverride) });

/** Working hours per ISO weekday (1 = Monday) as local wall times "HH:MM" in the user's zone. */
export const WorkingHoursPeriod = z.object({ day: z.number().int().min(1).max(7), start: z.string(), end: z.string() });
export const WorkingHoursChanged = z.object({ userID: z.string().uuid(), workingHours: z.array(WorkingHoursPeriod) });

/**
 * Google Calendar's "add invitations to my calendar": from everyone (the default), only from senders the
 * person knows (someone whose invitation they answered, or whom they invited), or only once they answer.
 * An invitation not added yet still reaches them (e-mail, the event itself), but stays out of their views
 * and their busy time.
 */
export const AddInvitations = z.enum(['everyone', 'knownSenders', 'whenResponded']);
export type AddInvitations = z.infer<typeof AddInvitations>;
export const InvitationsSettingChanged = z.object({ userID: z.string().uuid(), addInvitations: AddInvitations });

/** The notifier mails a single-use link to `email`; `requestID` names the request, the link expires at `expiresAt`. */
export const EmailVerificationRequested = z.object({ userID: z.string().uuid(), email: z.string(), requestID: z.string().uuid(), requestedAt: z.string(), expiresAt: z.string() });
/** The owner of `email` followed a verification link: the notifier may now send them anything. */
export const EmailVerified = z.object({ userID: z.string().uuid(), email: z.string() });
/** Someone tried to sign up with this user's address: the notifier tells the owner (the sign-up answered as for a new address). */
export const SignUpAttempted = z.object({ userID: z.string().uuid(), attemptedAt: z.string() });
/** The notifier mails a single-use reset link for `resetID`, good until `expiresAt` (1 h). */
export const PasswordResetRequested = z.object({ userID: z.string().uuid(), resetID: z.string().uuid(), requestedAt: z.string(), expiresAt: z.string() });
/** A new password, by the user (current password given) or through a reset link (`resetID`). */
export const PasswordChanged = z.object({ userID: z.string().uuid(), passwordHash: z.string(), resetID: z.string().uuid().optional() });
/** One session (the token's `sid`) signed out. */
export const SessionRevoked = z.object({ userID: z.string().uuid(), sessionID: z.string() });
/**
 * Every session issued before this one is revoked: tokens carry the generation they were issued in
 * (`gen`), and a token of an older generation is refused, except the session `keptSessionID` (the one
 * that changed the password).
 */
export const SessionsRevoked = z.object({ userID: z.string().uuid(), generation: z.number().int().min(1), keptSessionID: z.string().optional() });

/**
 * A person's own settings for one calendar of their list (Google Calendar API v3's calendarList entry): whether
 * their views read it (`selected`), whether their list shows it (`hidden`: calendarList.delete hides it) and its
 * colour ('#rrggbb', or null for the client's choice). The whole entry each time, so the last one wins. It says
 * nothing about who may see the calendar: that is the calendar's own rules.
 */
export const CalendarListEntryChanged = z.object({
  userID: z.string().uuid(),
  calendarID: z.string().uuid(),
  selected: z.boolean(),
  hidden: z.boolean(),
  color: z.string().nullable(),
});

/**
 * A password for one calendar app (HTTP Basic, RFC 7617), shown to its owner once and kept only as the SHA-256
 * of its 128-bit random secret (NIST SP 800-63B §5.1.1.2 allows a fast hash for secrets of that entropy).
 * It signs in to reads and writes of calendars, never to managing the account (see command-api/src/appPasswords).
 */
export const AppPasswordCreated = z.object({
  userID: z.string().uuid(),
  appPasswordID: z.string().uuid(),
  name: z.string(),
  /** Lower-case hexadecimal SHA-256 of the password as the owner types it (without its separators). */
  passwordSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
/** The app password stops signing anyone in (revoked by its owner, or with every other one by a new account password). */
export const AppPasswordRevoked = z.object({ userID: z.string().uuid(), appPasswordID: z.string().uuid() });

export const userEventSchemas = {
  UserRegistered,
  EmailClaimed,
  PreferredTimeZoneChanged,
  DefaultRemindersChanged,
  WorkingHoursChanged,
  InvitationsSettingChanged,
  EmailVerificationRequested,
  EmailVerified,
  SignUpAttempted,
  PasswordResetRequested,
  PasswordChanged,
  SessionRevoked,
  SessionsRevoked,
  CalendarListEntryChanged,
  AppPasswordCreated,
  AppPasswordRevoked,
} as const;
type Schemas = typeof userEventSchemas;
export type UserEventType = keyof Schemas;
export type UserEvent = { [K in UserEventType]: { type: K; data: z.infer<Schemas[K]> } }[UserEventType];

/** Parses a stored User or UserEmail event, upcast to its current version; undefined for types this contract does not know. */
export function parseUserEvent(stored: StoredEvent): UserEvent | undefined {
  if (!Object.hasOwn(userEventSchemas, stored.type)) return undefined;
  const key = stored.type as UserEventType;
  return { type: key, data: userEventSchemas[key].parse(upcast(key, stored.metadata.schemaVersion, stored.data)) } as UserEvent;
}

/** Events about sign-in, sessions and the address, not about profile or settings: projections of the profile pass them over. */
const ACCOUNT_SECURITY_EVENTS = [
  'EmailVerificationRequested', 'EmailVerified', 'SignUpAttempted', 'PasswordResetRequested', 'PasswordChanged', 'SessionRevoked', 'SessionsRevoked',
  'AppPasswordCreated', 'AppPasswordRevoked',
] as const satisfies readonly UserEventType[];
export type AccountSecurityEvent = Extract<UserEvent, { type: (typeof ACCOUNT_SECURITY_EVENTS)[number] }>;
export const isAccountSecurityEvent = (event: UserEvent): event is AccountSecurityEvent => (ACCOUNT_SECURITY_EVENTS as readonly string[]).includes(event.type);
