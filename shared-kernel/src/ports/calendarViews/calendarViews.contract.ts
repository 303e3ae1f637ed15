import { randomUUID } from 'node:crypto';
import type { AttendanceRow } from '../readModel/attendanceRows';
import { calendarViewChecksum, type CalendarViews } from './calendarViews';

export interface CalendarViewsContractOptions {
  /** Builds views on an empty backend, reading the time (epoch ms) from `clock`. */
  create(clock: () => number): Promise<CalendarViews>;
  /** Releases what `create` made. */
  dispose(views: CalendarViews): Promise<void>;
}

const at = (iso: string) => new Date(iso);

/** A row of a one-hour event at `start` (or a series of such events when `recurrence` is given). */
export function viewRow(userID: string, eventID: string, start: string, overrides: Partial<AttendanceRow['event']> & { rsvpStatus?: AttendanceRow['rsvpStatus'] } = {}): AttendanceRow {
  const { rsvpStatus = 'ACCEPTED', ...event } = overrides;
  return {
    userID,
    rsvpStatus,
    occurrenceResponses: {},
    event: {
      eventID, hostID: userID, title: 'Meeting', description: null, location: null,
      startTime: new Date(start).toISOString(), endTime: new Date(Date.parse(start) + 3_600_000).toISOString(), timeZone: 'UTC',
      allDay: false, startDate: null, endDate: null, recurrence: [], exceptions: {}, transparency: 'opaque', ...event,
    },
  };
}

/** The one contract every CalendarViews adapter must meet. */
export function calendarViewsContract(name: string, options: CalendarViewsContractOptions): void {
  describe(`CalendarViews contract: ${name}`, () => {
    let views: CalendarViews;
    let now = Date.parse('2030-01-01T00:00:00Z');
    beforeEach(async () => {
      now = Date.parse('2030-01-01T00:00:00Z');
      views = await options.create(() => now);
    });
    afterEach(async () => {
      await options.dispose(views);
    });

    const ids = (rows: AttendanceRow[] | undefined) => rows?.map((r) => r.event.eventID).sort();
    const everything = { from: at('2000-01-01T00:00:00Z'), completeFrom: at('1999-01-01T00:00:00Z') };

    it('answers nothing for a view never made complete, and answers from the instant a backfill vouches for', async () => {
      const user = randomUUID();
      const event = randomUUID();
      await views.applyChanges([{ userID: user, eventID: event, version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }]);
      expect(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'))).toBeUndefined();

      await views.backfill(user, [], at('2029-12-01T00:00:00Z'));
      expect(ids(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z')))).toEqual([event]);
      expect(await views.read(user, at('2029-11-30T00:00:00Z'), at('2030-01-08T00:00:00Z'))).toBeUndefined();
      expect(await views.read(randomUUID(), at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'))).toBeUndefined();
    });

    it('reads the rows whose span overlaps the window: short, multi-day and endless series alike', async () => {
      const user = randomUUID();
      const [inside, before, after, touching, conference, oldSeries, endless] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await views.backfill(user, [], everything.completeFrom);
      await views.applyChanges([
        { userID: user, eventID: inside, version: 1, row: viewRow(user, inside, '2030-01-02T10:00:00Z') },
        { userID: user, eventID: before, version: 1, row: viewRow(user, before, '2029-12-31T22:00:00Z') },
        { userID: user, eventID: after, version: 1, row: viewRow(user, after, '2030-01-08T00:00:00Z') },
        { userID: user, eventID: touching, version: 1, row: viewRow(user, touching, '2029-12-31T23:30:00Z') },
        { userID: user, eventID: conference, version: 1, row: viewRow(user, conference, '2029-12-20T09:00:00Z', { endTime: '2030-01-03T17:00:00.000Z' }) },
        { userID: user, eventID: oldSeries, version: 1, row: viewRow(user, oldSeries, '2020-01-06T09:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] }) },
        { userID: user, eventID: endless, version: 1, row: viewRow(user, endless, '2020-01-06T09:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] }) },
      ]);
      const week = await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'));
      expect(ids(week)).toEqual([inside, touching, conference, endless].sort());
      expect(week?.find((r) => r.event.eventID === endless)).toEqual(viewRow(user, endless, '2020-01-06T09:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] }));
      expect(ids(await views.read(user, at('2090-01-01T00:00:00Z'), at('2090-01-02T00:00:00Z')))).toEqual([endless]);
    });

    it('keeps a calendar’s view as it keeps a person’s: one row per event of the calendar, with its calendar and visibility, whoever reads it', async () => {
      const [family, attendee, event] = [randomUUID(), randomUUID(), randomUUID()];
      const onFamily = { calendarID: family, visibility: 'private' as const };
      await views.backfill(family, [], everything.completeFrom);
      await views.backfill(attendee, [], everything.completeFrom);
      await views.applyChanges([
        { userID: family, eventID: event, version: 1, row: viewRow(family, event, '2030-01-02T10:00:00Z', onFamily) },
        { userID: attendee, eventID: event, version: 1, row: viewRow(attendee, event, '2030-01-02T10:00:00Z', { ...onFamily, rsvpStatus: 'PENDING' }) },
      ]);
      const week = [at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z')] as const;
      expect(await views.read(family, ...week)).toEqual([viewRow(family, event, '2030-01-02T10:00:00Z', onFamily)]);
      expect((await views.read(attendee, ...week))?.map((r) => [r.rsvpStatus, r.event.calendarID, r.event.visibility])).toEqual([['PENDING', family, 'private']]);
      // Moved to another calendar: gone from this calendar's view, still the attendee's.
      await views.applyChanges([{ userID: family, eventID: event, version: 2, row: null }]);
      expect(await views.read(family, ...week)).toEqual([]);
      expect(ids(await views.read(attendee, ...week))).toEqual([event]);
    });

    it('applies a change only when its version is newer: duplicates, stale and reordered changes do nothing', async () => {
      const user = randomUUID();
      const event = randomUUID();
      await views.backfill(user, [], everything.completeFrom);
      const v1 = viewRow(user, event, '2030-01-02T10:00:00Z', { title: 'v1' });
      const v3 = viewRow(user, event, '2030-02-02T10:00:00Z', { title: 'v3' });
      await views.applyChanges([{ userID: user, eventID: event, version: 3, row: v3 }]);
      await views.applyChanges([{ userID: user, eventID: event, version: 1, row: v1 }]);
      await views.applyChanges([{ userID: user, eventID: event, version: 3, row: { ...v3, event: { ...v3.event, title: 'same version' } } }]);
      expect(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'))).toEqual([]);
      expect(await views.read(user, at('2030-02-01T00:00:00Z'), at('2030-02-08T00:00:00Z'))).toEqual([v3]);

      await views.applyChanges([{ userID: user, eventID: event, version: 4, row: null }]);
      await views.applyChanges([{ userID: user, eventID: event, version: 3, row: v3 }]);
      expect(await views.read(user, at('2030-02-01T00:00:00Z'), at('2030-02-08T00:00:00Z'))).toEqual([]);
      const v5 = { ...v3, rsvpStatus: 'DECLINED' as const };
      await views.applyChanges([{ userID: user, eventID: event, version: 5, row: v5 }]);
      expect(await views.read(user, at('2030-02-01T00:00:00Z'), at('2030-02-08T00:00:00Z'))).toEqual([v5]);
    });


    it('moves a view’s change stamp with every write, never back to a value it had, and keeps views apart', async () => {
      const [user, other, unwritten] = [randomUUID(), randomUUID(), randomUUID()];
      const event = randomUUID();
      const seen: string[] = [];
      const stampOf = async (userID: string) => (await views.changeStamps([userID]))?.[0];
      expect(await views.changeStamps([])).toEqual([]);
      expect(await stampOf(unwritten)).toBeNull();

      await views.backfill(user, [], everything.completeFrom);
      seen.push((await stampOf(user))!);
      await views.applyChanges([{ userID: user, eventID: event, version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }]);
      seen.push((await stampOf(user))!);
      await views.applyChanges([{ userID: other, eventID: randomUUID(), version: 1, row: viewRow(other, randomUUID(), '2030-01-02T10:00:00Z') }]);
      expect(await stampOf(user)).toBe(seen[1]);
      await views.applyChanges([{ userID: user, eventID: event, version: 2, row: null }]);
      seen.push((await stampOf(user))!);
      // Dropped and written again (a replay, or an expired view copied anew): a stamp of its own.
      await views.clear();
      await views.backfill(user, [], everything.completeFrom);
      seen.push((await stampOf(user))!);
      expect(seen.every((s) => typeof s === 'string')).toBe(true);
      expect(new Set(seen).size).toBe(seen.length);
      await views.applyChanges([{ userID: other, eventID: randomUUID(), version: 1, row: viewRow(other, randomUUID(), '2030-01-03T10:00:00Z') }]);
      const both = await views.changeStamps([other, unwritten, user]);
      expect(both).toEqual([expect.any(String), null, seen[3]]);
    });
    it('never lets a backfill overwrite a newer row or revive a removed one', async () => {
      const user = randomUUID();
      const [removed, newer, older, fresh] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await views.applyChanges([
        { userID: user, eventID: removed, version: 7, row: null },
        { userID: user, eventID: newer, version: 5, row: viewRow(user, newer, '2030-01-02T10:00:00Z', { title: 'newer' }) },
        { userID: user, eventID: older, version: 2, row: viewRow(user, older, '2030-01-03T10:00:00Z', { title: 'older' }) },
      ]);
      await views.backfill(user, [
        { version: 6, row: viewRow(user, removed, '2030-01-02T12:00:00Z') },
        { version: 4, row: viewRow(user, newer, '2030-01-02T10:00:00Z', { title: 'stale' }) },
        { version: 3, row: viewRow(user, older, '2030-01-03T10:00:00Z', { title: 'caught up' }) },
        { version: 1, row: viewRow(user, fresh, '2030-01-04T10:00:00Z') },
      ], everything.completeFrom);
      const rows = await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'));
      expect(rows?.map((r) => [r.event.eventID, r.event.title]).sort()).toEqual([[newer, 'newer'], [older, 'caught up'], [fresh, 'Meeting']].sort());
    });

    it('backfills a large view whole and keeps users apart', async () => {
      const [user, other] = [randomUUID(), randomUUID()];
      const entries = Array.from({ length: 450 }, (_, i) => {
        const event = randomUUID();
        return { version: 1, row: viewRow(user, event, new Date(Date.parse('2030-01-01T00:00:00Z') + i * 3_600_000).toISOString()) };
      });
      await views.backfill(user, entries, everything.completeFrom);
      expect(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-02-01T00:00:00Z'))).toHaveLength(450);
      expect(await views.read(other, at('2030-01-01T00:00:00Z'), at('2030-02-01T00:00:00Z'))).toBeUndefined();
      expect(await views.entries(other)).toEqual([]);
    });

    it('checksums views by content, whatever the order of writes or of object keys', async () => {
      const [user, a, b] = [randomUUID(), randomUUID(), randomUUID()];
      const rowA = viewRow(user, a, '2030-01-02T10:00:00Z', { exceptions: { '2030-01-09T10:00:00.000Z': { cancelled: true }, '2030-01-16T10:00:00.000Z': { cancelled: true } }, recurrence: ['RRULE:FREQ=WEEKLY'] });
      const rowB = viewRow(user, b, '2030-01-03T10:00:00Z');
      await views.applyChanges([{ userID: user, eventID: a, version: 2, row: rowA }, { userID: user, eventID: b, version: 1, row: rowB }]);
      const live = await calendarViewChecksum(views, user);

      const reordered = { ...rowA, event: { ...rowA.event, exceptions: { '2030-01-16T10:00:00.000Z': { cancelled: true as const }, '2030-01-09T10:00:00.000Z': { cancelled: true as const } } } };
      const rebuilt = await options.create(() => now);
      try {
        await rebuilt.backfill(user, [{ version: 1, row: rowB }, { version: 2, row: reordered }], everything.completeFrom);
        expect(await calendarViewChecksum(rebuilt, user)).toBe(live);
        await rebuilt.applyChanges([{ userID: user, eventID: b, version: 2, row: { ...rowB, rsvpStatus: 'TENTATIVE' } }]);
        expect(await calendarViewChecksum(rebuilt, user)).not.toBe(live);
      } finally {
        await options.dispose(rebuilt);
      }
      expect((await views.entries(user)).map((e) => [e.row.event.eventID, e.version])).toEqual([[a, 2], [b, 1]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
    });

    const hour = (iso: string, kind: 'busy' | 'tentative') => ({ start: Date.parse(iso), end: Date.parse(iso) + 3_600_000, kind });

    it('keeps busy time: accepted busy, unanswered tentative; declined, transparent and removed events free; incomplete views unanswered', async () => {
      const [user, other, unknown] = [randomUUID(), randomUUID(), randomUUID()];
      const [accepted, pending, declined, free, removed, conference] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await views.backfill(user, [], everything.completeFrom);
      await views.backfill(other, [], everything.completeFrom);
      await views.applyChanges([
        { userID: user, eventID: accepted, version: 1, row: viewRow(user, accepted, '2030-01-02T10:00:00Z') },
        { userID: user, eventID: pending, version: 1, row: viewRow(user, pending, '2030-01-02T12:00:00Z', { rsvpStatus: 'PENDING' }) },
        { userID: user, eventID: declined, version: 1, row: viewRow(user, declined, '2030-01-02T14:00:00Z', { rsvpStatus: 'DECLINED' }) },
        { userID: user, eventID: free, version: 1, row: viewRow(user, free, '2030-01-02T16:00:00Z', { transparency: 'transparent' }) },
        { userID: user, eventID: removed, version: 1, row: viewRow(user, removed, '2030-01-03T10:00:00Z') },
        { userID: user, eventID: removed, version: 2, row: null },
        { userID: other, eventID: conference, version: 1, row: viewRow(other, conference, '2029-12-20T09:00:00Z', { endTime: '2030-01-03T17:00:00.000Z' }) },
      ]);
      const week = await views.busy([user, other, unknown], at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'));
      expect(week.get(user)).toEqual([hour('2030-01-02T10:00:00Z', 'busy'), hour('2030-01-02T12:00:00Z', 'tentative')]);
      expect(week.get(other)).toEqual([{ start: Date.parse('2029-12-20T09:00:00Z'), end: Date.parse('2030-01-03T17:00:00Z'), kind: 'busy' }]);
      expect(week.has(unknown)).toBe(false);
      const whoIsBusy = await views.whoIsBusy([user, other, unknown], at('2030-01-02T11:00:00Z'), at('2030-01-02T12:00:00Z'));
      expect([...whoIsBusy].sort()).toEqual([[user, false], [other, true]].sort());
      expect((await views.whoIsBusy([user], at('2030-01-02T12:30:00Z'), at('2030-01-02T12:31:00Z'))).get(user)).toBe(true);
      // An interval that starts before the window and ends inside it counts; one that ends at its start does not.
      expect((await views.busy([user], at('2030-01-02T10:30:00Z'), at('2030-01-02T10:45:00Z'))).get(user)).toEqual([hour('2030-01-02T10:00:00Z', 'busy')]);
      expect((await views.busy([user], at('2030-01-02T11:00:00Z'), at('2030-01-02T12:00:00Z'))).get(user)).toEqual([]);
      expect((await views.busy([user], at('1998-12-31T00:00:00Z'), at('2030-01-08T00:00:00Z'))).has(user)).toBe(false);
    });

    it('keeps busy time across midnight and over several days, and moves it with the event', async () => {
      const user = randomUUID();
      const [late, trip, short] = [randomUUID(), randomUUID(), randomUUID()];
      await views.backfill(user, [], everything.completeFrom);
      const span = (start: string, end: string) => ({ start: Date.parse(start), end: Date.parse(end), kind: 'busy' });
      await views.applyChanges([
        { userID: user, eventID: late, version: 1, row: viewRow(user, late, '2030-01-02T23:00:00Z', { endTime: '2030-01-03T01:00:00.000Z' }) },
        { userID: user, eventID: trip, version: 1, row: viewRow(user, trip, '2030-01-05T12:00:00Z', { endTime: '2030-01-09T12:00:00.000Z' }) },
        { userID: user, eventID: short, version: 1, row: viewRow(user, short, '2030-01-07T09:00:00Z') },
      ]);
      const busy = async (from: string, to: string) => (await views.busy([user], at(from), at(to))).get(user);
      const isBusy = async (from: string, to: string) => (await views.whoIsBusy([user], at(from), at(to))).get(user);
      expect(await busy('2030-01-01T00:00:00Z', '2030-01-15T00:00:00Z')).toEqual([
        span('2030-01-02T23:00:00Z', '2030-01-03T01:00:00Z'), span('2030-01-05T12:00:00Z', '2030-01-09T12:00:00Z'), hour('2030-01-07T09:00:00Z', 'busy'),
      ]);
      expect(await busy('2030-01-03T00:30:00Z', '2030-01-03T02:00:00Z')).toEqual([span('2030-01-02T23:00:00Z', '2030-01-03T01:00:00Z')]);
      expect(await isBusy('2030-01-03T00:30:00Z', '2030-01-03T00:31:00Z')).toBe(true);
      expect(await isBusy('2030-01-03T01:00:00Z', '2030-01-05T12:00:00Z')).toBe(false);
      expect(await isBusy('2030-01-08T00:00:00Z', '2030-01-08T01:00:00Z')).toBe(true);
      expect(await busy('2030-01-07T09:30:00Z', '2030-01-07T10:30:00Z')).toEqual([span('2030-01-05T12:00:00Z', '2030-01-09T12:00:00Z'), hour('2030-01-07T09:00:00Z', 'busy')]);
      // Moved: busy at the new time only; removed: free.
      await views.applyChanges([
        { userID: user, eventID: late, version: 2, row: viewRow(user, late, '2030-01-10T23:30:00Z', { endTime: '2030-01-11T00:30:00.000Z' }) },
        { userID: user, eventID: trip, version: 2, row: null },
      ]);
      expect(await busy('2030-01-01T00:00:00Z', '2030-01-15T00:00:00Z')).toEqual([hour('2030-01-07T09:00:00Z', 'busy'), span('2030-01-10T23:30:00Z', '2030-01-11T00:30:00Z')]);
      expect(await isBusy('2030-01-02T00:00:00Z', '2030-01-07T00:00:00Z')).toBe(false);
      expect(await isBusy('2030-01-08T00:00:00Z', '2030-01-09T00:00:00Z')).toBe(false);
    });

    it("keeps a series' occurrences around the present; windows past them are left to the read model until a backfill keeps them anew", async () => {
      const user = randomUUID();
      const [weekly, counted] = [randomUUID(), randomUUID()];
      const series = viewRow(user, weekly, '2029-06-04T09:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] });
      series.occurrenceResponses = { '2030-01-14T09:00:00.000Z': 'DECLINED' };
      const entries = [
        { version: 3, row: series },
        { version: 1, row: viewRow(user, counted, '2030-01-01T15:00:00Z', { recurrence: ['RRULE:FREQ=DAILY;COUNT=3'], rsvpStatus: 'TENTATIVE' }) },
      ];
      await views.backfill(user, entries, everything.completeFrom);
      const busy = async (from: string, to: string) => (await views.busy([user], at(from), at(to))).get(user);
      expect(await busy('2030-01-01T00:00:00Z', '2030-01-08T00:00:00Z')).toEqual([
        hour('2030-01-01T15:00:00Z', 'tentative'), hour('2030-01-02T15:00:00Z', 'tentative'), hour('2030-01-03T15:00:00Z', 'tentative'), hour('2030-01-07T09:00:00Z', 'busy'),
      ]);
      expect(await busy('2030-01-13T00:00:00Z', '2030-01-20T00:00:00Z')).toEqual([]);
      expect(await busy('2030-12-23T00:00:00Z', '2030-12-30T00:00:00Z')).toEqual([hour('2030-12-23T09:00:00Z', 'busy')]);
      expect(await busy('2030-12-30T00:00:00Z', '2031-01-06T00:00:00Z')).toBeUndefined();
      expect(await busy('2031-06-02T00:00:00Z', '2031-06-09T00:00:00Z')).toBeUndefined();
      expect(await busy('2029-06-03T00:00:00Z', '2029-06-10T00:00:00Z')).toBeUndefined();

      // A series that starts years ahead is kept from its start.
      const later = randomUUID();
      await views.applyChanges([{ userID: user, eventID: later, version: 1, row: viewRow(user, later, '2034-03-07T10:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY'] }) }]);
      expect(await busy('2034-03-13T00:00:00Z', '2034-03-20T00:00:00Z')).toBeUndefined(); // the first series stops being kept in 2031
      await views.applyChanges([{ userID: user, eventID: weekly, version: 4, row: null }]);
      expect(await busy('2034-03-13T00:00:00Z', '2034-03-20T00:00:00Z')).toEqual([hour('2034-03-14T10:00:00Z', 'busy')]);
      await views.applyChanges([{ userID: user, eventID: later, version: 2, row: null }]);
      await views.backfill(user, [{ version: 5, row: series }], everything.completeFrom);

      now = Date.parse('2031-05-01T00:00:00Z');
      // The same versions again: contents unchanged, busy time kept around the new present.
      await views.backfill(user, [{ ...entries[0]!, version: 5 }, entries[1]!], everything.completeFrom);
      expect(await busy('2031-06-02T00:00:00Z', '2031-06-09T00:00:00Z')).toEqual([hour('2031-06-02T09:00:00Z', 'busy')]);
      expect((await views.entries(user)).map((e) => e.version).sort()).toEqual([1, 5]);
      // A change to the series keeps its busy time anew as well; a removal drops it and its limits.
      await views.applyChanges([{ userID: user, eventID: weekly, version: 6, row: null }]);
      expect(await busy('2029-06-03T00:00:00Z', '2029-06-10T00:00:00Z')).toEqual([]);
    });

    it('answers a window asked again as the view now stands: after an answer, a removal, a clear', async () => {
      const user = randomUUID();
      const meeting = randomUUID();
      const week = [at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z')] as const;
      const busy = async () => (await views.busy([user], ...week)).get(user);
      const isBusy = async () => (await views.whoIsBusy([user], ...week)).get(user);
      await views.backfill(user, [{ version: 1, row: viewRow(user, meeting, '2030-01-02T10:00:00Z', { rsvpStatus: 'PENDING' }) }], everything.completeFrom);
      expect(await isBusy()).toBe(true);
      expect(await busy()).toEqual([hour('2030-01-02T10:00:00Z', 'tentative')]);
      expect(await busy()).toEqual([hour('2030-01-02T10:00:00Z', 'tentative')]);
      await views.applyChanges([{ userID: user, eventID: meeting, version: 2, row: viewRow(user, meeting, '2030-01-02T10:00:00Z') }]);
      expect(await busy()).toEqual([hour('2030-01-02T10:00:00Z', 'busy')]);
      await views.applyChanges([{ userID: user, eventID: meeting, version: 3, row: null }]);
      expect(await busy()).toEqual([]);
      expect(await isBusy()).toBe(false);
      await views.applyChanges([{ userID: user, eventID: meeting, version: 4, row: viewRow(user, meeting, '2030-01-03T10:00:00Z') }]);
      expect(await isBusy()).toBe(true);
      await views.clear();
      expect(await busy()).toBeUndefined();
      expect(await isBusy()).toBeUndefined();
      await views.backfill(user, [], everything.completeFrom);
      expect(await busy()).toEqual([]);
      expect(await isBusy()).toBe(false);
    });

    it('clears every view, tombstones and completeness included, so a replay starts from nothing', async () => {
      const user = randomUUID();
      const [kept, removed] = [randomUUID(), randomUUID()];
      await views.applyChanges([
        { userID: user, eventID: kept, version: 1, row: viewRow(user, kept, '2030-01-02T10:00:00Z') },
        { userID: user, eventID: removed, version: 9, row: null },
      ]);
      await views.backfill(user, [], everything.completeFrom);
      await views.clear();
      expect(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'))).toBeUndefined();
      expect(await views.entries(user)).toEqual([]);
      await views.applyChanges([{ userID: user, eventID: removed, version: 1, row: viewRow(user, removed, '2030-01-03T10:00:00Z') }]);
      await views.backfill(user, [], everything.completeFrom);
      expect(ids(await views.read(user, at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z')))).toEqual([removed]);
      expect((await views.busy([user], at('2030-01-01T00:00:00Z'), at('2030-01-08T00:00:00Z'))).get(user)).toEqual([hour('2030-01-03T10:00:00Z', 'busy')]);
    });
  });
}
