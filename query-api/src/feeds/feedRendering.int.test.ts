import { randomUUID } from 'node:crypto';
import { calendarEventDecider, type CalendarEventState } from '@datebook/shared-kernel';
import { READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import ICAL from 'ical.js';
import { feedRendering } from './feedRendering';

/** A feed of a calendar longer than one step of rendering: every event once, each zone once and complete. */
describe('rendering a long calendar for its feed', () => {
  let db: SqlDatabase;
  const calendarID = randomUUID();
  const host = randomUUID();
  const EVENTS = 1_100;

  /** An event as the projector leaves it: its folded state in rm_events, and its membership of the calendar's collection. */
  async function stored(n: number, zone: string, start: Date) {
    const eventID = randomUUID();
    const end = new Date(start.getTime() + 3_600_000);
    const state = calendarEventDecider.evolve(calendarEventDecider.initialState(), {
      type: 'CalendarEventScheduled',
      data: {
        eventID, hostID: host, calendarID, visibility: n % 10 === 0 ? 'private' : 'default', title: `Event ${n}`, description: null, location: null,
        startTime: start.toISOString(), endTime: end.toISOString(), timeZone: zone, allDay: false, startDate: null, endDate: null,
        recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
      },
    }) as Extract<CalendarEventState, { status: 'scheduled' }>;
    await db.query(
      `insert into rm_events (event_id, host_id, title, start_time, end_time, time_zone, all_day, recurrence, exceptions, transparency, status, state, version, updated_at, calendar_id)
       values ($1, $2, $3, $4, $5, $6, false, '[]', '{}', 'opaque', 'confirmed', $7, 1, now(), $8)`,
      [eventID, host, state.title, state.startTime, state.endTime, zone, JSON.stringify(state), calendarID],
    );
    await db.query('insert into rm_collection_members (collection_id, event_id, seq, present, span_start, span_end) values ($1, $2, $3, true, $4, $5)', [calendarID, eventID, n, state.startTime, state.endTime]);
  }

  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
    // Events over fifty years, in two zones whose rules changed meanwhile: each page of the rendering needs other observances.
    for (let n = 0; n < EVENTS; n++) await stored(n, n % 2 === 0 ? 'Europe/Berlin' : 'America/Sao_Paulo', new Date(Date.UTC(1990 + Math.floor(n / 22), n % 12, 1 + (n % 27), 12)));
    // One that left the calendar (cancelled or moved away): not in the feed.
    await db.query('update rm_collection_members set present = false where seq = 7 and collection_id = $1', [calendarID]);
  });
  afterAll(async () => {
    await db.close();
  });

  it('has every present event once, private ones as busy time, and zones that place each event where it is', async () => {
    const calendar = { calendarID, summary: 'Long', timeZone: 'Europe/Berlin', version: 1, feeds: new Map(), seq: String(EVENTS), epoch: 'e' };
    const text = await feedRendering({ readModel: db }).body(calendar);
    const parsed = new ICAL.Component(ICAL.parse(text));
    const events = parsed.getAllSubcomponents('vevent');
    expect(events).toHaveLength(EVENTS - 1);
    expect(new Set(events.map((e) => e.getFirstPropertyValue('uid'))).size).toBe(EVENTS - 1);
    expect(events.filter((e) => e.getFirstPropertyValue('summary') === 'Busy')).toHaveLength(EVENTS / 10);
    expect(text).not.toContain('SUMMARY:Event 7\r\n');
    const zones = parsed.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid')).sort()).toEqual(['America/Sao_Paulo', 'Europe/Berlin']);
    for (const zone of zones) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    // Each event's local time in its own zone's VTIMEZONE gives back the instant it was stored at.
    const rows = (await db.query<{ title: string; start_time: Date }>('select title, start_time from rm_events')).rows;
    const starts = new Map(rows.map((r) => [r.title, new Date(r.start_time).toISOString()]));
    for (const vevent of events) {
      const event = new ICAL.Event(vevent);
      if (event.summary === 'Busy') continue;
      expect(event.startDate.toJSDate().toISOString()).toBe(starts.get(event.summary));
    }
  });

  it('renders a calendar once per change, whoever asks', async () => {
    const rendering = feedRendering({ readModel: db });
    const calendar = { calendarID, summary: 'Long', timeZone: 'Europe/Berlin', version: 1, feeds: new Map(), seq: '1', epoch: 'e' };
    const [a, b] = await Promise.all([rendering.body(calendar), rendering.body(calendar)]);
    expect(a).toBe(b);
    expect(await rendering.body({ ...calendar, summary: 'Renamed', version: 2 })).toContain('X-WR-CALNAME:Renamed');
  });
});
