import { randomUUID } from 'node:crypto';
import { occurrenceSpan } from '@datebook/shared-kernel';
import { busyTime } from '@datebook/shared-kernel/ports';
import { READ_MODEL_SCHEMA } from '@datebook/shared-kernel/ports';
import { busyInWindow, keptBusyTime } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { freeBusy } from './freeBusy';
import { suggestTimes } from './suggestions';

// Free/busy, availability and suggestions all take busy time from `busyTime` (the read model) or from the
// views' kept busy time; these run both against a real read model (PGlite), as the query API does.

const at = (iso: string): number => Date.parse(iso);

function seriesEvent(recurrence: string[], startTime: string) {
  return {
    eventID: randomUUID(), hostID: randomUUID(), title: 'Series', description: null, location: null,
    startTime, endTime: new Date(at(startTime) + 60_000).toISOString(), timeZone: 'UTC', allDay: false, startDate: null, endDate: null,
    recurrence, exceptions: {}, transparency: 'opaque' as const,
  };
}

/** Writes a series and its person into the read model as the projector does (span from `occurrenceSpan`). */
async function project(db: SqlDatabase, event: ReturnType<typeof seriesEvent>, userID: string): Promise<void> {
  const span = occurrenceSpan(event);
  await db.query(
    `insert into rm_events (event_id, host_id, title, start_time, end_time, time_zone, all_day, recurrence, exceptions, transparency, status, state, version, updated_at)
     values ($1, $2, $3, $4, $5, 'UTC', false, $6, '{}', 'opaque', 'confirmed', '{}', 1, now())`,
    [event.eventID, event.hostID, event.title, event.startTime, event.endTime, JSON.stringify(event.recurrence)],
  );
  await db.query(
    `insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
     values ($1, $2, 'ACCEPTED', '{}', $3, $4, false, true, 'confirmed')`,
    [event.eventID, userID, new Date(span.start).toISOString(), Number.isFinite(span.end) ? new Date(span.end).toISOString() : 'infinity'],
  );
}

describe('busy time of a series whose expansion is cut short', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
  });
  afterAll(async () => {
    await db.close();
  });

  it('counts the rest of the window after the cap as busy: free/busy, suggestions and availability', async () => {
    const userID = randomUUID();
    // 60 one-minute occurrences a day at 09:xx: 1,800 in 30 days, more than the 1,000 one read expands.
    await project(db, seriesEvent(['RRULE:FREQ=MINUTELY;BYHOUR=9'], '2030-01-01T09:00:00.000Z'), userID);
    const window = { start: at('2030-01-01T00:00:00Z'), end: at('2030-01-31T00:00:00Z') };
    const busy = (await busyTime(db, [userID], new Date(window.start), new Date(window.end))).get(userID) ?? [];

    const stoppedAt = at('2030-01-17T09:40:00Z');
    const { free } = freeBusy(busy, window);
    expect(free.at(-1)).toEqual({ start: at('2030-01-16T10:00:00Z'), end: at('2030-01-17T09:00:00Z') });
    expect(busy).toContainEqual(expect.objectContaining({ start: stoppedAt, end: window.end, kind: 'busy' }));

    const suggested = suggestTimes({ users: [{ userID, busy, timeZone: 'UTC' }], window, durationMinutes: 30, respectWorkingHours: false });
    expect(suggested.suggestions.length).toBeGreaterThan(0);
    expect(suggested.suggestions.every((s) => s.end <= stoppedAt)).toBe(true);

    // Availability asks whether any busy time overlaps: 09:10 on 25 January lies past what was expanded.
    const asked = { start: at('2030-01-25T09:10:00Z'), end: at('2030-01-25T09:20:00Z') };
    expect(busy.some((i) => i.start < asked.end && i.end > asked.start)).toBe(true);
  });

  it('counts a stored series the budget could not reach as busy over the whole window, never free', async () => {
    const userID = randomUUID();
    // Written before COUNT was limited; reaching 2150 would mean walking ~2.7 million occurrences.
    await project(db, seriesEvent(['RRULE:FREQ=MINUTELY;BYHOUR=9;COUNT=100000000'], '2024-01-01T09:00:00.000Z'), userID);
    const window = { start: at('2150-03-01T00:00:00Z'), end: at('2150-03-02T00:00:00Z') };
    const started = performance.now();
    const busy = (await busyTime(db, [userID], new Date(window.start), new Date(window.end))).get(userID) ?? [];
    expect(performance.now() - started).toBeLessThan(5000);
    expect(freeBusy(busy, window)).toEqual({ busy: [window], free: [] });
    expect(suggestTimes({ users: [{ userID, busy, timeZone: 'UTC' }], window, durationMinutes: 30, respectWorkingHours: false }).suggestions).toEqual([]);
  });

  it('keeps a truncated series in the views only as far as it was expanded, so later windows go to the read model', () => {
    const row = { userID: randomUUID(), event: seriesEvent(['RRULE:FREQ=MINUTELY;BYHOUR=9'], '2030-01-01T09:00:00.000Z'), rsvpStatus: 'ACCEPTED' as const, occurrenceResponses: {} };
    const kept = keptBusyTime(row, at('2030-01-01T00:00:00Z'));
    expect(kept.coveredUntil).toBe(at('2030-01-17T09:40:00Z'));
    expect(kept.intervals).toHaveLength(1000);
    expect(busyInWindow([kept], at('2030-01-10T00:00:00Z'), at('2030-01-11T00:00:00Z'))).toHaveLength(60);
    expect(busyInWindow([kept], at('2030-01-20T00:00:00Z'), at('2030-01-21T00:00:00Z'))).toBeUndefined();
  });
});
