import { type CalendarEventState, escapeText, foldLine, type RenderInput, renderCalendarObject } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { renderSlices, renderWeight } from '../caldav/calendarData';
import { CalendarObjectJoin } from './calendarObjectMerge';
import type { FeedCalendar } from './feedCalendars';

/**
 * Events a feed carries at most: those that start last (the future and the recent past), so a calendar with
 * decades of history still answers in bounded time and size. Calendar apps show a subscription's near
 * future; the whole history is the signed-in export's (`/calendars/:id/events.ics`).
 */
export const MAX_FEED_EVENTS = 20_000;
/** Events read and rendered per step; the event loop is given back between steps. */
const PAGE = 500;
/** Rendered feeds kept in memory (each is rendered once per change of its calendar, whoever asks). */
const MAX_CACHED_OCTETS = 64 * 1024 * 1024;
/** What apps are told about how often to look again (RFC 7986 §5.7 REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL). */
const REFRESH = 'PT15M';

interface MemberRow {
  event_id: string;
  span_start: string;
  state: CalendarEventState;
  /** RFC 5545 SEQUENCE as the invitations numbered it; null for rows projected before it was kept. */
  ical_sequence: number | null;
}

export interface FeedRendering {
  /** The calendar as iCalendar text, as a reader sees it: the same text for every feed of it until it changes. */
  body(calendar: FeedCalendar): Promise<string>;
}

/** A calendar's version of record for rendering: a new one whenever its events or its own details change. */
export const renditionKey = (calendar: FeedCalendar) => `${calendar.epoch}/${calendar.seq}/${calendar.version}`;

export function feedRendering(deps: { readModel: SqlExecutor }): FeedRendering {
  const rendered = new Map<string, { key: string; body: Promise<string>; octets: number }>();
  let cachedOctets = 0;

  const forget = (calendarID: string) => {
    const kept = rendered.get(calendarID);
    if (!kept) return;
    cachedOctets -= kept.octets;
    rendered.delete(calendarID);
  };

  return {
    body(calendar) {
      const key = renditionKey(calendar);
      const kept = rendered.get(calendar.calendarID);
      if (kept?.key === key) return kept.body;
      forget(calendar.calendarID);
      const body = render(deps.readModel, calendar);
      const entry = { key, body, octets: 0 };
      rendered.set(calendar.calendarID, entry);
      body.then(
        (text) => {
          if (rendered.get(calendar.calendarID) !== entry) return;
          entry.octets = Buffer.byteLength(text);
          cachedOctets += entry.octets;
          // The oldest renditions go first (a Map iterates in insertion order).
          for (const id of rendered.keys()) {
            if (cachedOctets <= MAX_CACHED_OCTETS) break;
            forget(id);
          }
        },
        () => forget(calendar.calendarID),
      );
      return body;
    },
  };
}

async function render(readModel: SqlExecutor, calendar: FeedCalendar): Promise<string> {
  // Each part joined as soon as it is rendered: a 20,000-event calendar is never split and joined at once.
  const join = new CalendarObjectJoin();
  let parts = 0;
  let after: { spanStart: string; eventID: string } | undefined;
  for (let read = 0; read < MAX_FEED_EVENTS; ) {
    const rows = await membersPage(readModel, calendar.calendarID, after, Math.min(PAGE, MAX_FEED_EVENTS - read));
    read += rows.length;
    const events = rows.flatMap((row) => (row.state.status === 'absent' ? [] : [{ state: row.state, sequence: row.ical_sequence ?? 0 }]));
    const inputs = await inputsFor(readModel, calendar.calendarID, events);
    if (inputs.length === 0 && parts === 0) {
      join.add(renderCalendarObject([]));
      parts += 1;
    }
    // A few events at a time (by what rendering them costs), the loop given back between.
    for (const [index, slice] of renderSlices(inputs, (input) => renderWeight(input.event)).entries()) {
      if (index > 0) await new Promise((resolve) => setImmediate(resolve));
      join.add(renderCalendarObject(slice));
      parts += 1;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE) break;
    after = { spanStart: last.span_start, eventID: last.event_id };
    await new Promise((resolve) => setImmediate(resolve));
  }
  return join.text([
    `X-WR-CALNAME:${escapeText(calendar.summary)}`,
    `NAME:${escapeText(calendar.summary)}`,
    `X-WR-TIMEZONE:${calendar.timeZone}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${REFRESH}`,
    `X-PUBLISHED-TTL:${REFRESH}`,
  ].map(foldLine));
}

/** The calendar's events, latest start first, after a keyset position (rm_collection_members_span serves it). */
async function membersPage(readModel: SqlExecutor, calendarID: string, after: { spanStart: string; eventID: string } | undefined, limit: number): Promise<MemberRow[]> {
  const { rows } = await readModel.query<MemberRow>(
    `select m.event_id::text as event_id, m.span_start::text as span_start, e.state, (e.ical_sequence->>'sequence')::int as ical_sequence
       from rm_collection_members m join rm_events e on e.event_id = m.event_id
      where m.collection_id = $1 and m.present
        and ($2::timestamptz is null or (m.span_start, m.event_id) < ($2::timestamptz, $3::uuid))
      order by m.span_start desc, m.event_id desc
      limit $4`,
    [calendarID, after?.spanStart ?? null, after?.eventID ?? null, limit],
  );
  return rows;
}

/**
 * Each event as a reader of the calendar sees it (RFC 5545 §3.8.1.3 CLASS:PRIVATE: busy time only), with no
 * reminders (a feed has no viewer whose alarms they would be). An event a person's primary calendar holds
 * because they are invited shows as it does to them as a guest (its guest list as the host allows).
 */
async function inputsFor(readModel: SqlExecutor, calendarID: string, events: { state: Extract<CalendarEventState, { status: 'scheduled' | 'cancelled' }>; sequence: number }[]): Promise<RenderInput[]> {
  const people = [...new Set(events.flatMap(({ state }) => Object.keys(state.attendees)))];
  const { rows } = people.length === 0
    ? { rows: [] }
    : await readModel.query<{ user_id: string; email: string }>('select user_id::text as user_id, email from rm_users where user_id = any($1::uuid[])', [people]);
  const emails = new Map(rows.map((row) => [row.user_id, row.email]));
  const emailOf = (userID: string) => emails.get(userID);
  return events.map(({ state: event, sequence }) => ({
    event,
    audience: event.visibility === 'private' ? 'busyOnly' : event.calendarID === calendarID ? 'full' : { attendee: calendarID },
    viewerID: null,
    emailOf,
    sequence,
  }));
}
