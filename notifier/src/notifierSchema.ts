/**
 * The notifier's own tables (its database may be the event store's or its own). Idempotent; applied at
 * start when this text was never applied to the database (see applySchema).
 */
export const NOTIFIER_SCHEMA = `
create table if not exists notifier_calendar_events (
  event_id uuid primary key,
  version bigint not null,
  state jsonb not null,
  updated_at timestamptz not null
);
-- "Events this user is on" (attendees ? user): a full sync (sync/calendarSnapshot.ts) and a user's changes.
create index if not exists notifier_calendar_events_by_attendee on notifier_calendar_events using gin ((state->'attendees'));
create table if not exists notifier_users (
  user_id uuid primary key,
  version bigint not null,
  email text not null,
  user_name text not null,
  time_zone text not null,
  default_reminders jsonb
);
-- Until the owner confirms the address, only account mail goes to it (users/unverifiedAddresses.ts).
alter table notifier_users add column if not exists email_verified boolean not null default false;
create table if not exists notifier_reminders (
  event_id uuid not null,
  occurrence_start timestamptz not null,
  user_id uuid not null,
  method text not null,
  minutes integer not null,
  fire_at timestamptz not null,
  primary key (event_id, occurrence_start, user_id, method, minutes)
);
create index if not exists notifier_reminders_due on notifier_reminders (fire_at);
create table if not exists notifier_ledger (
  id bigint generated always as identity primary key,
  event_id uuid not null,
  occurrence text not null,
  recipient uuid not null,
  channel text not null,
  device_id text not null default '',
  kind text not null,
  payload jsonb not null,
  status text not null default 'pending',
  attempts integer not null default 0,
  late boolean not null default false,
  due_at timestamptz not null,
  next_attempt_at timestamptz not null,
  claimed_until timestamptz,
  created_at timestamptz not null,
  sent_at timestamptz,
  last_error text,
  unique (event_id, occurrence, recipient, channel, device_id, kind)
);
create index if not exists notifier_ledger_pending on notifier_ledger (next_attempt_at) where status = 'pending';
create index if not exists notifier_ledger_by_event on notifier_ledger (event_id, id);
-- Whose action caused an entry: the per-sender mail limit counts e-mails by it (ledger/senderMailLimit.ts).
alter table notifier_ledger add column if not exists actor text;
create index if not exists notifier_ledger_by_actor on notifier_ledger (actor, created_at) where channel = 'email';
create table if not exists notifier_devices (
  device_id uuid primary key,
  user_id uuid not null,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  created_at timestamptz not null
);
create index if not exists notifier_devices_by_user on notifier_devices (user_id);
create table if not exists notifier_changes (
  seq bigint generated always as identity primary key,
  user_id uuid not null,
  event_id uuid not null,
  change jsonb not null,
  created_at timestamptz not null
);
create index if not exists notifier_changes_by_user on notifier_changes (user_id, seq);
create table if not exists notifier_settings (
  key text primary key,
  value jsonb not null
);
`;
