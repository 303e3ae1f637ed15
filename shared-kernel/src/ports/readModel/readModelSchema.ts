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
  all_day boolean not null,
  start_date date,
  end_date date,
  recurrence jsonb not null,
  exceptions jsonb not null,
  transparency text not null,
  status text not null,
  -- The folded CalendarEvent state the projector evolves; the columns above are what readers query.
  state jsonb not null,
  version bigint not null,
  updated_at timestamptz not null
);
-- One row per person on an event. span_start/span_end bound every occurrence of the event (infinite for an
-- endless series), so a calendar or availability read is one index range scan on (user_id, span_end) (see
-- rm_event_users_upcoming below); the series is then expanded for the window in the query API.
create table if not exists rm_event_users (
  event_id uuid not null,
  user_id uuid not null,
  rsvp_status text not null,
  occurrence_responses jsonb not null,
  span_start timestamptz not null,
  span_end timestamptz not null,
  all_day boolean not null,
  recurring boolean not null,
  event_status text not null,
  primary key (event_id, user_id)
);
-- Reads ask for what ends after a point (a window's start, a view copy's horizon), mostly near now: ordered by
-- span_end, the scan starts there and reads only what lies ahead of it. Ordered by span_start, it read every
-- past event of the person first, a cost that grew with their history.
create index if not exists rm_event_users_upcoming on rm_event_users (user_id, span_end);
drop index if exists rm_event_users_calendar;
-- Google's "add invitations to my calendar" (everyone | knownSenders | whenResponded), see AddInvitations.
alter table rm_users add column if not exists add_invitations text not null default 'everyone';
-- Who gave an address a rule names (the projector moves their access stamps when a rule is granted to it).
create index if not exists rm_users_email on rm_users (lower(email));
-- Calendars: the calendar an event is on (rows written before calendars read as the host's primary) and its CLASS.
alter table rm_events add column if not exists calendar_id uuid;
alter table rm_events add column if not exists visibility text not null default 'default';
-- Calendars and who was given each (the candidates of a person's calendar list; rights are confirmed on the store).
create table if not exists rm_calendars (
  calendar_id uuid primary key,
  owner_id uuid not null,
  is_primary boolean not null,
  summary text not null,
  status text not null,
  time_zone text not null,
  version bigint not null
);
create table if not exists rm_calendar_rules (
  calendar_id uuid not null,
  rule_id text not null,
  user_id uuid,
  email text,
  role text not null,
  primary key (calendar_id, rule_id)
);
create index if not exists rm_calendar_rules_user on rm_calendar_rules (user_id);
create index if not exists rm_calendar_rules_email on rm_calendar_rules (email);
-- Subscribed calendars ("add calendar from URL"): where their events come from; the poller's list of what to fetch.
alter table rm_calendars add column if not exists subscription_url text;
create index if not exists rm_calendars_subscriptions on rm_calendars (calendar_id) where subscription_url is not null;
-- CalDAV (RFC 4791) collections: a calendar's, or a person's primary one, which holds the events they are
-- invited to as well (the keys of viewAudience). seq is the collection's change counter: its CTag and its
-- RFC 6578 sync-token. epoch is new whenever the table is rebuilt by replay, so tokens from before are refused
-- (the client then lists the collection again) rather than misread.
alter table rm_events add column if not exists ical_uid text;
-- RFC 5545 SEQUENCE as the notifier's invitations number it (iCalSequence.ts), folded by the projector:
-- {first, sequence, command, created, revised, base} (see projector/src/icalSequenceFold.ts).
alter table rm_events add column if not exists ical_sequence jsonb;
create index if not exists rm_events_ical_uid on rm_events (ical_uid);
create table if not exists rm_collections (
  collection_id uuid primary key,
  seq bigint not null,
  epoch uuid not null default gen_random_uuid()
);
-- One row per event a collection holds or held: present = false once the event left it (cancelled, moved
-- away, guest removed), kept so sync-collection can report it gone. seq is the collection's seq at the
-- event's last change; span_* bound every occurrence (as in rm_event_users) for time-range queries.
create table if not exists rm_collection_members (
  collection_id uuid not null,
  event_id uuid not null,
  seq bigint not null,
  present boolean not null,
  span_start timestamptz not null,
  span_end timestamptz not null,
  primary key (collection_id, event_id)
);
create index if not exists rm_collection_members_changes on rm_collection_members (collection_id, seq);
create index if not exists rm_collection_members_span on rm_collection_members (collection_id, span_start) where present;
`;
