import { randomUUID } from 'node:crypto';
import { calendarStreamName, currentSchemaVersion, streamName } from '@datebook/shared-kernel';
import type { TokenService } from '@datebook/shared-kernel/http';
import type { Pool } from 'pg';
import { addDays, appendRows, type BenchUser, berlinSummer, makeUsers, rng, type StoreRow } from './fixtures';
import type { AppendedTail } from './profiles/benchSystem';

/**
 * The calendars section's data, written straight into the event store as the command API would write it
 * (Calendar streams with their grants, CalendarEventScheduled v3 on a calendar, the invitations), so
 * 10,000 grants and 5,000 events cost a few batched INSERTs rather than 15,000 HTTP calls. The system's own
 * relay and projector build the read model (rm_calendar_rules included) and the views from them.
 *
 * - `readers`: everyone the big calendar is shared with (reader role); the first `viewers` of them also
 *   read 3 team calendars (each shared with 10 viewers): with their primary, 5 calendars.
 * - Week `singleWeek`: each viewer hosts `eventsPerView` events on their primary; the other calendars hold
 *   nothing that week (the ceiling: their week view with only their primary).
 * - Week `sharedWeek`: the same number of events spread over the 5 calendars (a fifth each), so both
 *   views hold about as many events; one event of the big calendar (`changed`) invites two viewers.
 * - Week `largeWeek`: the grant calendar holds `largeCalendarEvents` events and is shared with nobody;
 *   `newReaders` are given it (and have it taken away) during the run.
 */
export interface CalendarFixture {
  owner: BenchUser;
  readers: BenchUser[];
  viewers: BenchUser[];
  newReaders: BenchUser[];
  grantOwner: BenchUser;
  bigCalendarID: string;
  teamCalendarIDs: string[];
  grantCalendarID: string;
  /** The big calendar's event whose changes are timed. */
  changed: { eventID: string; date: string; invitees: string[] };
  singleWeek: string;
  sharedWeek: string;
  largeWeek: string;
  eventsPerView: number;
  largeCalendarEvents: number;
  storeRows: number;
  appendMs: number;
  tail: AppendedTail;
}

/** Mondays of three weeks no other section writes to (Berlin summer time: UTC+2). */
const SINGLE_WEEK = '2030-10-07';
const SHARED_WEEK = '2030-10-14';
const LARGE_WEEK = '2030-10-21';
/** Viewers per team calendar. */
const TEAM_SIZE = 10;
const TEAMS_PER_VIEWER = 3;

const metadata = (type: string, actorID: string, occurredAt: string) => ({ actorID, occurredAt, correlationId: randomUUID(), schemaVersion: currentSchemaVersion(type) });

/** A secondary calendar's creation, as `decide(CreateCalendar)` writes it. */
function calendarCreated(calendarID: string, ownerID: string, summary: string, occurredAt: string): StoreRow {
  return {
    s: calendarStreamName(calendarID), v: 1, e: randomUUID(), t: 'CalendarCreated',
    d: { calendarID, ownerID, primary: false, summary, description: null, timeZone: 'Europe/Berlin' },
    m: metadata('CalendarCreated', ownerID, occurredAt),
  };
}

/** One grant per reader, as `decide(GrantAccess)` writes them, from stream version `firstVersion` on. */
function* grants(calendarID: string, ownerID: string, readerIDs: string[], firstVersion: number, occurredAt: string): Generator<StoreRow> {
  for (const [i, userID] of readerIDs.entries()) {
    yield {
      s: calendarStreamName(calendarID), v: firstVersion + i, e: randomUUID(), t: 'AccessGranted',
      d: { calendarID, ruleID: `user:${userID}`, scope: { type: 'user', userID }, role: 'reader', grantedBy: ownerID },
      m: metadata('AccessGranted', ownerID, occurredAt),
    };
  }
}

interface CalendarBooking {
  eventID: string;
  hostID: string;
  calendarID: string;
  title: string;
  start: number;
  minutes: number;
  invitees: string[];
}

/** An event on a calendar, as `decide(ScheduleEvent)` writes it (v3: calendarID and visibility), then its invitations. */
function bookingRows(b: CalendarBooking, occurredAt: string): StoreRow[] {
  const s = streamName('CalendarEvent', b.eventID);
  const rows: StoreRow[] = [{
    s, v: 1, e: randomUUID(), t: 'CalendarEventScheduled',
    d: {
      eventID: b.eventID, hostID: b.hostID, calendarID: b.calendarID, visibility: 'default', title: b.title, description: null, location: 'Room 4',
      startTime: new Date(b.start).toISOString(), endTime: new Date(b.start + b.minutes * 60_000).toISOString(), timeZone: 'Europe/Berlin',
      allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
    },
    m: metadata('CalendarEventScheduled', b.hostID, occurredAt),
  }];
  for (const [i, userID] of b.invitees.entries()) {
    rows.push({ s, v: i + 2, e: randomUUID(), t: 'AttendeeInvited', d: { eventID: b.eventID, userID, invitedBy: b.hostID }, m: metadata('AttendeeInvited', b.hostID, occurredAt) });
  }
  return rows;
}

/** Whose views an event is in (viewAudience): its calendar and its invitees; the host too when it is their own primary. */
const audienceOf = (b: CalendarBooking) => [...new Set([b.calendarID, ...b.invitees, ...(b.calendarID === b.hostID ? [b.hostID] : [])])];

export async function loadCalendarFixture(pool: Pool, tokens: TokenService, sizes: { readers: number; viewers: number; eventsPerView: number; largeCalendarEvents: number; newReaders: number }): Promise<CalendarFixture> {
  const random = rng(7);
  const occurredAt = new Date().toISOString();
  const people = makeUsers(sizes.readers + sizes.newReaders + 2, 'cal', 'Europe/Berlin', tokens);
  const [owner, grantOwner] = people.users.slice(0, 2) as [BenchUser, BenchUser];
  const readers = people.users.slice(2, 2 + sizes.readers);
  const newReaders = people.users.slice(2 + sizes.readers);
  const viewers = readers.slice(0, sizes.viewers);
  const bigCalendarID = randomUUID();
  const grantCalendarID = randomUUID();
  const teamCalendarIDs = Array.from({ length: Math.ceil(viewers.length / TEAM_SIZE) * TEAMS_PER_VIEWER }, () => randomUUID());
  // Viewers 0–9 read teams 0–2, viewers 10–19 teams 3–5, …: 3 teams each, 10 viewers a team.
  const teamsOf = (viewer: number) => Array.from({ length: TEAMS_PER_VIEWER }, (_, k) => Math.floor(viewer / TEAM_SIZE) * TEAMS_PER_VIEWER + k);
  const teamMembers = teamCalendarIDs.map(() => [] as string[]);
  viewers.forEach((v, i) => teamsOf(i).forEach((t) => teamMembers[t]!.push(v.userID)));

  const perCalendar = Math.max(1, Math.round(sizes.eventsPerView / 5));
  const at = (monday: string, days = 5) => berlinSummer(addDays(monday, Math.floor(random() * days)), 8 + Math.floor(random() * 10), Math.floor(random() * 4) * 15);
  const bookings: CalendarBooking[] = [];
  let n = 0;
  const book = (hostID: string, calendarID: string, monday: string, invitees: string[] = []) => {
    const b = { eventID: randomUUID(), hostID, calendarID, title: `Meeting ${++n}`, start: at(monday), minutes: 30 + 15 * Math.floor(random() * 3), invitees };
    bookings.push(b);
    return b;
  };
  for (const v of viewers) for (let k = 0; k < sizes.eventsPerView; k++) book(v.userID, v.userID, SINGLE_WEEK);
  for (const v of viewers) for (let k = 0; k < perCalendar; k++) book(v.userID, v.userID, SHARED_WEEK);
  const invitees = viewers.slice(1, 3).map((v) => v.userID);
  const changed = book(owner.userID, bigCalendarID, SHARED_WEEK, invitees);
  for (let k = 1; k < perCalendar; k++) book(owner.userID, bigCalendarID, SHARED_WEEK);
  for (const team of teamCalendarIDs) for (let k = 0; k < perCalendar; k++) book(owner.userID, team, SHARED_WEEK);
  // Last: the tail the projection is waited on ends in them (the last 64 streams of the append).
  for (let k = 0; k < sizes.largeCalendarEvents; k++) book(grantOwner.userID, grantCalendarID, LARGE_WEEK);

  const audiences = new Map(bookings.map((b) => [b.eventID, audienceOf(b)]));
  const rows = function* (): Generator<StoreRow> {
    yield* people.rows;
    yield calendarCreated(bigCalendarID, owner.userID, 'All hands', occurredAt);
    yield* grants(bigCalendarID, owner.userID, readers.map((r) => r.userID), 2, occurredAt);
    for (const [t, team] of teamCalendarIDs.entries()) {
      yield calendarCreated(team, owner.userID, `Team ${t}`, occurredAt);
      yield* grants(team, owner.userID, teamMembers[t]!, 2, occurredAt);
    }
    yield calendarCreated(grantCalendarID, grantOwner.userID, 'Room bookings', occurredAt);
    for (const b of bookings) yield* bookingRows(b, occurredAt);
  };
  const appended = await appendRows(pool, rows(), { oneTransaction: true });
  // appendRows names the host as the one whose view shows a new event; an event on another calendar is in that calendar's view instead.
  const streams = appended.tail.streams.map((mark) => {
    const eventID = mark.stream.startsWith('CalendarEvent-') ? mark.stream.slice('CalendarEvent-'.length) : undefined;
    return eventID && audiences.has(eventID) ? { ...mark, users: audiences.get(eventID)! } : mark;
  });
  return {
    owner, readers, viewers, newReaders, grantOwner, bigCalendarID, teamCalendarIDs, grantCalendarID,
    changed: { eventID: changed.eventID, date: new Date(changed.start + 2 * 3_600_000).toISOString().slice(0, 10), invitees },
    singleWeek: SINGLE_WEEK, sharedWeek: SHARED_WEEK, largeWeek: LARGE_WEEK, eventsPerView: sizes.eventsPerView, largeCalendarEvents: sizes.largeCalendarEvents,
    storeRows: appended.rows, appendMs: appended.ms, tail: { last: appended.tail.last, streams },
  };
}
