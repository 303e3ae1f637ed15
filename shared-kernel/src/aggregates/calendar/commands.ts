import type { CalendarReader } from './access';
import type { AccessRole, AccessScope } from './events';

/** What can be asked of a Calendar; `actor` is who asks (their rights are read from the calendar's own rules). */
export type CalendarCommand =
  | { type: 'CreateCalendar'; data: { calendarID: string; ownerID: string; summary: string; description: string | null; timeZone: string } }
  | { type: 'ChangeCalendar'; data: { actor: CalendarReader; changes: { summary?: string; description?: string | null; timeZone?: string } } }
  | { type: 'DeleteCalendar'; data: { actor: CalendarReader } }
  | { type: 'GrantAccess'; data: { actor: CalendarReader; scope: AccessScope; role: AccessRole } }
  | { type: 'ChangeAccess'; data: { actor: CalendarReader; ruleID: string; role: AccessRole } }
  | { type: 'RevokeAccess'; data: { actor: CalendarReader; ruleID: string } }
  /** A secret address: the caller made the token and gives only its SHA-256 (hex). */
  | { type: 'CreateFeed'; data: { actor: CalendarReader; feedID: string; tokenHash: string; createdAt: string } }
  | { type: 'RevokeFeed'; data: { actor: CalendarReader; feedID: string } }
  /** A new calendar whose events are those of the iCalendar file at `url` ("add calendar from URL"), owned by `ownerID`. */
  | { type: 'SubscribeToCalendar'; data: { calendarID: string; ownerID: string; summary: string; description: string | null; timeZone: string; url: string } }
  /** The subscription poller imported the source's content (it acts as SUBSCRIPTION_SOURCE_ID). */
  | { type: 'RecordSubscriptionSync'; data: { etag: string | null; lastModified: string | null; contentHash: string; syncedAt: string } };
