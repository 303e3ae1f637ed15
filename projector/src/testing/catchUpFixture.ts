import { seededRandom } from '@datebook/shared-kernel/testing';
import { type CalendarEventEvent, currentSchemaVersions, type EventMetadata, streamName } from '@datebook/shared-kernel';

/** One command's appends to one stream, as the command API would make them (events in order, the current schema versions). */
export interface FixtureAppend {
  streamName: string;
  events: { eventID: string; type: string; data: unknown; metadata: EventMetadata }[];
}

export interface CatchUpFixtureOptions {
  /** Calendar events booked (each followed, on average, by about half a later change to some booking). */
  bookings: number;
  users: number;
  /** Same seed, same log (ids included). */
  seed?: number;
  /** Where bookings are placed: the weeks after this instant. */
  now?: Date;
}

const rng = seededRandom;

interface Booking {
  eventID: string;
  hostID: string;
  invitees: string[];
  series: boolean;
  firstStart: number;
  live: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A realistic event log for timing and checking the projections' catch-up: users signing up, a few shared
 * calendars, bookings with 1–3 invitees (a quarter alone, about one in eight a weekly series, a few on a
 * shared calendar), and, interleaved as they would come in, answers, reschedules, detail changes,
 * cancellations, late invitations, occurrence answers and changes, and settings changes. Appends come in
 * log order; a later change to a booking lands many appends after its creation, as on a live system.
 */
export function* catchUpFixture(options: CatchUpFixtureOptions): Generator<FixtureAppend> {
  const random = rng(options.seed ?? 15);
  const now = (options.now ?? new Date('2030-06-01T00:00:00Z')).getTime();
  // Version 4 UUIDs drawn from the seeded numbers.
  const randomUUID = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = (8 + Math.floor(random() * 4)).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const at = (ms: number) => new Date(ms).toISOString();
  // One command's events share its correlation id (the SEQUENCE fold groups by it).
  let clock = now;
  const append = (stream: string, actorID: string, events: { type: string; data: unknown }[]): FixtureAppend => {
    const correlationId = randomUUID();
    clock += 1000;
    return {
      streamName: stream,
      events: events.map((e) => ({
        eventID: randomUUID(), type: e.type, data: e.data,
        metadata: { actorID, occurredAt: at(clock), correlationId, schemaVersion: currentSchemaVersions[e.type as keyof typeof currentSchemaVersions] ?? 1 },
      })),
    };
  };

  const users: string[] = [];
  for (let i = 0; i < options.users; i++) {
    const userID = randomUUID();
    const email = `user-${i}-${userID.slice(0, 8)}@catchup.example.com`;
    const registration = { userName: `User ${i}`, passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', timeZone: 'Europe/Berlin' };
    yield append(streamName('UserEmail', email), userID, [{ type: 'EmailClaimed', data: { email, userID, registration } }]);
    yield append(streamName('User', userID), userID, [
      { type: 'UserRegistered', data: { userID, email, ...registration } },
      { type: 'EmailVerificationRequested', data: { userID, email, requestID: randomUUID(), requestedAt: at(now), expiresAt: at(now + 7 * DAY) } },
    ]);
    users.push(userID);
  }

  const calendars: { calendarID: string; ownerID: string }[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(options.users / 50)); i++) {
    const calendarID = randomUUID();
    const ownerID = pick(users);
    const grants = [pick(users), pick(users)].filter((u, k, all) => u !== ownerID && all.indexOf(u) === k);
    yield append(streamName('Calendar', calendarID), ownerID, [
      { type: 'CalendarCreated', data: { calendarID, ownerID, primary: false, summary: `Team ${i}`, description: null, timeZone: 'Europe/Berlin' } },
      ...grants.map((userID, k) => ({
        type: 'AccessGranted', data: { calendarID, ruleID: `user:${userID}`, scope: { type: 'user', userID }, role: k === 0 ? 'writer' : 'reader', grantedBy: ownerID },
      })),
    ]);
    calendars.push({ calendarID, ownerID });
  }

  const bookings: Booking[] = [];
  const change = (b: Booking): FixtureAppend | undefined => {
    const stream = streamName('CalendarEvent', b.eventID);
    const ev = (e: CalendarEventEvent) => e;
    const roll = random();
    if (roll < 0.45) {
      if (b.invitees.length === 0) return undefined;
      const userID = pick(b.invitees);
      const type = pick(['InvitationAccepted', 'InvitationAccepted', 'InvitationDeclined', 'InvitationTentativelyAccepted'] as const);
      return append(stream, userID, [ev({ type, data: { eventID: b.eventID, userID } })]);
    }
    if (roll < 0.6) {
      const start = b.firstStart + Math.round((random() * 4 - 2) * 4) * HOUR;
      return append(stream, b.hostID, [ev({ type: 'CalendarEventRescheduled', data: { eventID: b.eventID, startTime: at(start), endTime: at(start + HOUR), timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null } })]);
    }
    if (roll < 0.7) return append(stream, b.hostID, [ev({ type: 'CalendarEventDetailsChanged', data: { eventID: b.eventID, title: `Changed ${Math.floor(random() * 1000)}`, description: 'Agenda attached', location: 'Room 9' } })]);
    if (roll < 0.8) {
      b.live = false;
      return append(stream, b.hostID, [ev({ type: 'CalendarEventCancelled', data: { eventID: b.eventID, cancelledBy: b.hostID } })]);
    }
    if (roll < 0.88) {
      const userID = pick(users);
      if (userID === b.hostID || b.invitees.includes(userID)) return undefined;
      b.invitees.push(userID);
      return append(stream, b.hostID, [ev({ type: 'AttendeeInvited', data: { eventID: b.eventID, userID, invitedBy: b.hostID } })]);
    }
    if (roll < 0.92 && b.invitees.length > 1) {
      const userID = b.invitees.pop()!;
      return append(stream, b.hostID, [ev({ type: 'AttendeeUninvited', data: { eventID: b.eventID, userID, uninvitedBy: b.hostID } })]);
    }
    if (!b.series) return undefined;
    const originalStart = at(b.firstStart + 7 * DAY * (1 + Math.floor(random() * 8)));
    if (roll < 0.96 && b.invitees.length > 0) {
      const userID = pick(b.invitees);
      return append(stream, userID, [ev({ type: 'OccurrenceResponded', data: { eventID: b.eventID, userID, originalStart, rsvpStatus: 'DECLINED' } })]);
    }
    if (roll < 0.98) return append(stream, b.hostID, [ev({ type: 'OccurrenceCancelled', data: { eventID: b.eventID, originalStart } })]);
    const moved = Date.parse(originalStart) + 2 * HOUR;
    return append(stream, b.hostID, [ev({
      type: 'OccurrenceChanged',
      data: { eventID: b.eventID, originalStart, startTime: at(moved), endTime: at(moved + HOUR), startDate: null, endDate: null, title: 'Moved once', description: null, location: null },
    })]);
  };

  for (let n = 0; n < options.bookings; n++) {
    const hostID = pick(users);
    const eventID = randomUUID();
    const series = random() < 0.12;
    const calendar = random() < 0.05 ? pick(calendars) : undefined;
    const invitees: string[] = [];
    if (random() >= 0.25) {
      const want = 1 + Math.floor(random() * 3);
      while (invitees.length < want && users.length > want) {
        const other = pick(users);
        if (other !== hostID && !invitees.includes(other)) invitees.push(other);
      }
    }
    // Working hours over the next four weeks, on the quarter hour.
    const firstStart = now + Math.floor(random() * 28) * DAY + (7 + Math.floor(random() * 10)) * HOUR + Math.floor(random() * 4) * 15 * 60_000;
    const scheduled: CalendarEventEvent = {
      type: 'CalendarEventScheduled',
      data: {
        eventID, hostID, calendarID: calendar?.calendarID ?? hostID, visibility: 'default', title: `Meeting ${n}`, description: null, location: 'Room 4',
        startTime: at(firstStart), endTime: at(firstStart + (30 + 15 * Math.floor(random() * 3)) * 60_000), timeZone: 'Europe/Berlin', allDay: false, startDate: null,
        endDate: null, recurrence: series ? [random() < 0.5 ? 'RRULE:FREQ=WEEKLY;COUNT=12' : 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE'] : [], transparency: 'opaque',
        guestsCanSeeOtherGuests: true,
      },
    };
    yield append(streamName('CalendarEvent', eventID), hostID, [
      scheduled,
      ...invitees.map((userID): CalendarEventEvent => ({ type: 'AttendeeInvited', data: { eventID, userID, invitedBy: hostID } })),
    ]);
    bookings.push({ eventID, hostID, invitees, series, firstStart, live: true });

    // About half a change per booking, to a booking of any age that is still on.
    if (random() < 0.5 && bookings.length > 1) {
      const target = bookings[Math.floor(random() * bookings.length)]!;
      const appended = target.live ? change(target) : undefined;
      if (appended) yield appended;
    }
    if (random() < 0.01) {
      const userID = pick(users);
      const settings = random() < 0.5
        ? { type: 'PreferredTimeZoneChanged', data: { userID, timeZone: pick(['Europe/Paris', 'America/New_York', 'Asia/Tokyo']) } }
        : { type: 'WorkingHoursChanged', data: { userID, workingHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '16:00' })) } };
      yield append(streamName('User', userID), userID, [settings]);
    }
  }
}

/** The version each append's first event gets, given the store's first version: appends of a stream follow each other. */
export function withVersions(appends: Iterable<FixtureAppend>, firstVersion = 1): Generator<FixtureAppend & { firstVersion: number }> {
  const next = new Map<string, number>();
  return (function* () {
    for (const a of appends) {
      const first = next.get(a.streamName) ?? firstVersion;
      next.set(a.streamName, first + a.events.length);
      yield { ...a, firstVersion: first };
    }
  })();
}
