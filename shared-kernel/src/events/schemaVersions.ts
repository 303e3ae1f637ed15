import type { CalendarStreamEventType } from '../aggregates/calendar/events';
import type { CalendarEventEventType } from '../aggregates/calendarEvent/events';
import type { ScheduleEventType } from '../aggregates/schedule/events';
import type { UserEventType } from '../aggregates/user/events';

/**
 * The payload version each event type is written in today: every writer stamps it into
 * `metadata.schemaVersion`, and every reader upcasts older payloads to it (see `upcasting.ts`) before the
 * zod schema checks them. Changing a payload's shape means raising its number here and adding the step
 * from the previous version to `eventUpcasters`; the record must name every type of the contract.
 */
export const currentSchemaVersions = {
  // CalendarEvent stream
  /** v2: `guestsCanSeeOtherGuests` and `transparency` are always present (v1 left them out for the defaults). */
  /** v3: `calendarID` and `visibility` are always present (v2 events are on the host's primary calendar). */
  CalendarEventScheduled: 3,
  AttendeeInvited: 1,
  AttendeeUninvited: 1,
  ExternalAttendeeInvited: 1,
  ExternalAttendeeResponded: 1,
  ExtraPropertiesChanged: 1,
  ExternalAttendeeUninvited: 1,
  InvitationAccepted: 1,
  InvitationDeclined: 1,
  InvitationTentativelyAccepted: 1,
  CalendarEventRescheduled: 1,
  CalendarEventDetailsChanged: 1,
  CalendarEventCancelled: 1,
  CalendarEventRestored: 1,
  RemindersChanged: 1,
  RecurrenceChanged: 1,
  OccurrenceChanged: 1,
  OccurrenceCancelled: 1,
  OccurrenceResponded: 1,
  SeriesSplit: 1,
  TransparencyChanged: 1,
  GuestPermissionsChanged: 1,
  CalendarEventMoved: 1,
  VisibilityChanged: 1,
  // Calendar streams
  CalendarCreated: 1,
  CalendarDetailsChanged: 1,
  CalendarTimeZoneChanged: 1,
  CalendarDeleted: 1,
  AccessGranted: 1,
  AccessChanged: 1,
  AccessRevoked: 1,
  FeedCreated: 1,
  FeedRevoked: 1,
  SubscriptionSourceSet: 1,
  SubscriptionSynced: 1,
  // User and UserEmail streams
  UserRegistered: 1,
  EmailClaimed: 1,
  PreferredTimeZoneChanged: 1,
  DefaultRemindersChanged: 1,
  WorkingHoursChanged: 1,
  InvitationsSettingChanged: 1,
  EmailVerificationRequested: 1,
  EmailVerified: 1,
  SignUpAttempted: 1,
  PasswordResetRequested: 1,
  PasswordChanged: 1,
  SessionRevoked: 1,
  SessionsRevoked: 1,
  CalendarListEntryChanged: 1,
  AppPasswordCreated: 1,
  AppPasswordRevoked: 1,
  // Schedule streams
  TimeReserved: 1,
} as const satisfies Record<CalendarEventEventType | CalendarStreamEventType | UserEventType | ScheduleEventType, number>;

export type ContractEventType = keyof typeof currentSchemaVersions;

export function isContractEventType(type: string): type is ContractEventType {
  return Object.hasOwn(currentSchemaVersions, type);
}

/** The version a writer stamps on a new event of `type`; a type outside the contract is a programming error. */
export function currentSchemaVersion(type: string): number {
  if (!isContractEventType(type)) throw new Error(`event type ${type} has no schema version: add it to currentSchemaVersions`);
  return currentSchemaVersions[type];
}
