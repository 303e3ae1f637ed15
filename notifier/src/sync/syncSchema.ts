/**
 * The sync feed's own tables and indexes, beside NOTIFIER_SCHEMA (applied after it at start, when changed; idempotent).
 *
 * `notifier_calendar_grants` names, per calendar, who was given a role on it (a user or an address): the
 * candidates among which a reader's calendars are found (calendarGrants.ts). It only proposes: every
 * request confirms each candidate against the calendar's rules in the event store, so a revoked grant
 * stops applying at once even while this table still lists it.
 */
export const SYNC_SCHEMA = `
create table if not exists notifier_calendar_grants (
  calendar_id uuid not null,
  rule_id text not null,
  user_id uuid,
  email text,
  primary key (calendar_id, rule_id)
);
create index if not exists notifier_calendar_grants_by_user on notifier_calendar_grants (user_id) where user_id is not null;
create index if not exists notifier_calendar_grants_by_email on notifier_calendar_grants (email) where email is not null;
-- "Events on this calendar": a calendar's items when it is synced whole, or removed (calendarItems.ts).
create index if not exists notifier_calendar_events_by_calendar on notifier_calendar_events ((state->>'calendarID'), event_id);
`;
