import { z } from 'zod';
import type { StoredEvent } from '../../events/recordedEvent';
import { upcast } from '../../events/upcasting';

/**
 * The published contract of the Calendar stream (Google Calendar API v3's calendars and acl resources as
 * facts). A primary calendar is named by its owner's userID and exists from sign-up on, written or not:
 * its first command writes its CalendarCreated (see `state.ts`).
 */
const calendarID = z.string().uuid();
const userID = z.string().uuid();

/** Who a rule applies to: one account, an address with no account yet, or everyone on this Datebook. */
export const AccessScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userID }),
  z.object({ type: z.literal('email'), email: z.string() }),
  z.object({ type: z.literal('default') }),
]);
export type AccessScope = z.infer<typeof AccessScope>;

/** Google's acl roles, weakest first (`none` is no rule at all). */
export const ACCESS_ROLES = ['freeBusyReader', 'reader', 'writer', 'owner'] as const;
export const AccessRole = z.enum(ACCESS_ROLES);
export type AccessRole = z.infer<typeof AccessRole>;

export const CalendarCreated = z.object({
  calendarID,
  ownerID: userID,
  primary: z.boolean(),
  summary: z.string(),
  description: z.string().nullable(),
  timeZone: z.string(),
});
export const CalendarDetailsChanged = z.object({ calendarID, summary: z.string(), description: z.string().nullable(), changedBy: userID });
export const CalendarTimeZoneChanged = z.object({ calendarID, timeZone: z.string(), changedBy: userID });
export const CalendarDeleted = z.object({ calendarID, deletedBy: userID });
export const AccessGranted = z.object({ calendarID, ruleID: z.string(), scope: AccessScope, role: AccessRole, grantedBy: userID });
export const AccessChanged = z.object({ calendarID, ruleID: z.string(), role: AccessRole, changedBy: userID });
export const AccessRevoked = z.object({ calendarID, ruleID: z.string(), revokedBy: userID });
/**
 * A secret address of the calendar (Google's "secret address in iCal format"): whoever has its token reads
 * the calendar as a reader would, without signing in. Only the token's SHA-256 is kept (hex); the token
 * itself is shown once, to its creator.
 */
export const FeedCreated = z.object({ calendarID, feedID: z.string().uuid(), tokenHash: z.string(), createdBy: userID, createdAt: z.string() });
export const FeedRevoked = z.object({ calendarID, feedID: z.string().uuid(), revokedBy: userID });
/** The calendar is a subscription ("add calendar from URL"): its events are those of the iCalendar file at `url`, read-only. */
export const SubscriptionSourceSet = z.object({ calendarID, url: z.string(), setBy: userID });
/**
 * The subscription's source was read and its content imported: the validators to send next time (RFC 9110
 * §13.1: If-None-Match, If-Modified-Since) and the body's SHA-256 (an unchanged body is not imported again).
 * Written only when something changed, so a source polled every 15 minutes that answers 304 writes nothing.
 */
export const SubscriptionSynced = z.object({
  calendarID,
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  contentHash: z.string(),
  syncedAt: z.string(),
});

export const calendarStreamEventSchemas = {
  CalendarCreated,
  CalendarDetailsChanged,
  CalendarTimeZoneChanged,
  CalendarDeleted,
  AccessGranted,
  AccessChanged,
  AccessRevoked,
  FeedCreated,
  FeedRevoked,
  SubscriptionSourceSet,
  SubscriptionSynced,
} as const;

type Schemas = typeof calendarStreamEventSchemas;
export type CalendarStreamEventType = keyof Schemas;
export type CalendarStreamEvent = { [K in CalendarStreamEventType]: { type: K; data: z.infer<Schemas[K]> } }[CalendarStreamEventType];

export function isCalendarStreamEventType(type: string): type is CalendarStreamEventType {
  return Object.hasOwn(calendarStreamEventSchemas, type);
}

/** Parses a stored Calendar event (upcast first); unknown types read as undefined. */
export function parseCalendarStreamEvent(stored: StoredEvent): CalendarStreamEvent | undefined {
  const { type } = stored;
  if (!isCalendarStreamEventType(type)) return undefined;
  return { type, data: calendarStreamEventSchemas[type].parse(upcast(type, stored.metadata.schemaVersion, stored.data)) } as CalendarStreamEvent;
}
