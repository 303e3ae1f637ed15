/**
 * The PostgreSQL read model: the seed's Events and Event users tables as projections. Disposable:
 * replaying the log rebuilds it. Written by the projector, read by the query API.
 */
export const READ_MODEL_SCHEMA = `
create table if not exists rm_users (
  user_id uuid primary key,
  user_name text not null,
  email text not null,
  time_zone text not null,
  default_reminders jsonb,
  working_hours jsonb,
  version bigint not null
);
create table if not exists rm_events (
  event_id uuid primary key,
  host_id uuid not null,
  title text not null,
  description text,
  location text,
  start_time timestamptz not null,
  end_time timestamptz not null,
  time_zone text not null,
  status text not null,
  version bigint not null,
  updated_at timestamptz not null
);
-- Times and status are copied onto each attendee row so a user's calendar and availability are one
-- index range scan on (user_id, start_time) without touching rm_events.
create table if not exists rm_event_users (
  event_id uuid not null,
  user_id uuid not null,
  rsvp_status text not null,
  start_time timestamptz not null,
  end_time timestamptz not null,
  event_status text not null,
  primary key (event_id, user_id)
);
create index if not exists rm_event_users_calendar on rm_event_users (user_id, start_time);
`;
