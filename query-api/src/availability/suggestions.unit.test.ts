import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { BusyInterval } from '@datebook/shared-kernel';
import type { Interval } from '@datebook/shared-kernel';
import { suggestTimes, type SuggestionUser } from './suggestions';

const utc = (iso: string) => Date.parse(iso);
const span = (from: string, to: string): Interval => ({ start: utc(from), end: utc(to) });
const at = (day: string) => (from: string, to: string) => span(`${day}T${from}:00Z`, `${day}T${to}:00Z`);
const june3 = at('2024-06-03'); // a Monday
const user = (userID: string, timeZone: string, busy: BusyInterval[] = []): SuggestionUser => ({ userID, timeZone, busy });

describe('suggestTimes', () => {
  it('without working hours returns the common free time with everybody', () => {
    const result = suggestTimes({
      users: [user('alice', 'UTC', [june3('09:30', '10:30')]), user('bob', 'UTC', [june3('11:00', '12:00')])],
      window: june3('09:00', '13:00'),
      durationMinutes: 30,
      respectWorkingHours: false,
    });
    expect(result).toEqual({
      suggestions: [
        { ...june3('09:00', '09:30'), userIDs: ['alice', 'bob'] },
        { ...june3('10:30', '11:00'), userIDs: ['alice', 'bob'] },
        { ...june3('12:00', '13:00'), userIDs: ['alice', 'bob'] },
      ],
      reasons: [],
    });
  });

  it('intersects with each user’s working hours in his own zone (Berlin and New York overlap 13:00–15:00Z)', () => {
    const result = suggestTimes({
      users: [user('berlin', 'Europe/Berlin', [june3('13:30', '14:00')]), user('newYork', 'America/New_York')],
      window: span('2024-06-03T00:00:00Z', '2024-06-04T00:00:00Z'),
      durationMinutes: 30,
      respectWorkingHours: true,
    });
    expect(result.suggestions).toEqual([
      { ...june3('13:00', '13:30'), userIDs: ['berlin', 'newYork'] },
      { ...june3('14:00', '15:00'), userIDs: ['berlin', 'newYork'] },
    ]);
  });

  it('uses configured working hours', () => {
    const early: SuggestionUser = { ...user('early', 'UTC'), workingHours: [{ day: 1, start: '06:00', end: '10:00' }] };
    const result = suggestTimes({ users: [early, user('late', 'UTC')], window: june3('00:00', '23:59'), durationMinutes: 60, respectWorkingHours: true });
    expect(result.suggestions).toEqual([{ ...june3('09:00', '10:00'), userIDs: ['early', 'late'] }]);
  });

  it('reports NO_COMMON_TIME when working hours never overlap (Kolkata and New York)', () => {
    const request = {
      users: [user('kolkata', 'Asia/Kolkata'), user('newYork', 'America/New_York')],
      window: span('2024-06-03T00:00:00Z', '2024-06-04T00:00:00Z'),
      durationMinutes: 30,
      respectWorkingHours: true,
    };
    expect(suggestTimes(request)).toEqual({ suggestions: [], reasons: [{ code: 'NO_COMMON_TIME' }] });
    // Either alone will do when only one attendee is required.
    expect(suggestTimes({ ...request, minimumAttendees: 1 }).suggestions).toEqual([
      { ...june3('03:30', '11:30'), userIDs: ['kolkata'] },
      { ...june3('13:00', '21:00'), userIDs: ['newYork'] },
    ]);
  });

  it('reports NO_FREE_TIME per user who is busy throughout, counting tentative time as busy', () => {
    const result = suggestTimes({
      users: [
        user('alice', 'UTC', [june3('08:00', '10:00'), { ...june3('10:00', '12:00'), kind: 'tentative' }]),
        user('bob', 'UTC'),
        user('carol', 'UTC', [june3('09:00', '11:40')]),
      ],
      window: june3('09:00', '12:00'),
      durationMinutes: 30,
      respectWorkingHours: false,
    });
    expect(result).toEqual({ suggestions: [], reasons: [{ code: 'NO_FREE_TIME', userID: 'alice' }, { code: 'NO_FREE_TIME', userID: 'carol' }] });
  });

  it('adds NO_COMMON_TIME when enough users have time on their own', () => {
    const result = suggestTimes({
      users: [user('alice', 'UTC', [june3('08:00', '13:00')]), user('bob', 'UTC', [june3('09:00', '10:00')]), user('carol', 'UTC', [june3('10:00', '11:00')])],
      window: june3('09:00', '11:00'),
      durationMinutes: 30,
      respectWorkingHours: false,
      minimumAttendees: 2,
    });
    expect(result).toEqual({ suggestions: [], reasons: [{ code: 'NO_FREE_TIME', userID: 'alice' }, { code: 'NO_COMMON_TIME' }] });
  });

  it('reports OUTSIDE_WORKING_HOURS for a user free only outside his hours', () => {
    const saturday = span('2024-06-08T00:00:00Z', '2024-06-09T00:00:00Z');
    const result = suggestTimes({ users: [user('alice', 'Europe/Berlin'), user('bob', 'UTC')], window: saturday, durationMinutes: 30, respectWorkingHours: true });
    expect(result).toEqual({
      suggestions: [],
      reasons: [
        { code: 'OUTSIDE_WORKING_HOURS', userID: 'alice' },
        { code: 'OUTSIDE_WORKING_HOURS', userID: 'bob' },
      ],
    });
  });

  it('reports a window shorter than the meeting, and too few users', () => {
    expect(suggestTimes({ users: [user('a', 'UTC')], window: june3('09:00', '09:20'), durationMinutes: 30, respectWorkingHours: false }).reasons).toEqual([
      { code: 'WINDOW_TOO_SHORT' },
    ]);
    expect(suggestTimes({ users: [user('a', 'UTC')], window: june3('09:00', '09:00'), durationMinutes: 0, respectWorkingHours: false }).reasons).toEqual([
      { code: 'WINDOW_TOO_SHORT' },
    ]);
    expect(suggestTimes({ users: [], window: june3('09:00', '12:00'), durationMinutes: 30, respectWorkingHours: false })).toEqual({
      suggestions: [],
      reasons: [{ code: 'TOO_FEW_USERS', minimumAttendees: 1, users: 0 }],
    });
    expect(
      suggestTimes({ users: [user('a', 'UTC')], window: june3('09:00', '12:00'), durationMinutes: 30, respectWorkingHours: false, minimumAttendees: 2 }).reasons,
    ).toEqual([{ code: 'TOO_FEW_USERS', minimumAttendees: 2, users: 1 }]);
  });

  it('every suggestion is free for its users, inside their working hours, long enough and large enough', () => {
    const QUARTER = 15 * 60_000;
    const monday = utc('2024-03-04T00:00:00Z'); // New York and Berlin change clocks within the next four weeks
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'] as const;
    const busy = fc
      .tuple(fc.integer({ min: 0, max: 4 * 7 * 96 }), fc.integer({ min: 1, max: 96 }), fc.boolean())
      .map(([q, length, tentative]): BusyInterval => ({ start: monday + q * QUARTER, end: monday + (q + length) * QUARTER, ...(tentative ? { kind: 'tentative' } : {}) }));
    const users = fc.array(fc.tuple(fc.constantFrom(...zones), fc.array(busy, { maxLength: 25 })), { minLength: 1, maxLength: 4 });
    const window = fc
      .tuple(fc.integer({ min: 0, max: 4 * 7 * 96 }), fc.integer({ min: 0, max: 4 * 7 * 96 }))
      .map(([a, b]) => ({ start: monday + Math.min(a, b) * QUARTER, end: monday + Math.max(a, b) * QUARTER }));
    fc.assert(
      fc.property(users, window, fc.integer({ min: 1, max: 480 }), fc.boolean(), fc.integer({ min: 1, max: 4 }), (raw, win, duration, respect, minimum) => {
        const request = {
          users: raw.map(([timeZone, entries], k) => user(`u${k}`, timeZone, entries)),
          window: win,
          durationMinutes: duration,
          respectWorkingHours: respect,
          minimumAttendees: minimum,
        };
        const { suggestions, reasons } = suggestTimes(request);
        expect(suggestions.length === 0).toBe(reasons.length > 0);
        suggestions.forEach((s, k) => {
          expect(s.end - s.start).toBeGreaterThanOrEqual(duration * 60_000);
          expect(s.userIDs.length).toBeGreaterThanOrEqual(minimum);
          expect(s.start).toBeGreaterThanOrEqual(win.start);
          expect(s.end).toBeLessThanOrEqual(win.end);
          expect(s.start).toBeGreaterThanOrEqual(suggestions[k - 1]?.start ?? -Infinity); // earliest first (groups may overlap)
          for (const id of s.userIDs) {
            const u = request.users.find((candidate) => candidate.userID === id);
            expect(u).toBeDefined();
            if (!u) continue;
            expect(u.busy.some((b) => b.start < s.end && s.start < b.end)).toBe(false);
            if (respect) expect(withinDefaultWorkingHours(s, u.timeZone)).toBe(true);
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});

/** Independent of workingHours.ts: the interval sits within 09:00–17:00 of one local weekday. */
function withinDefaultWorkingHours({ start, end }: Interval, timeZone: string): boolean {
  const local = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
  const from = local(start);
  const until = local(end);
  const sameDay = Temporal.PlainDate.compare(from.toPlainDate(), until.toPlainDate()) === 0;
  return (
    sameDay &&
    from.dayOfWeek <= 5 &&
    Temporal.PlainTime.compare(from.toPlainTime(), Temporal.PlainTime.from('09:00')) >= 0 &&
    Temporal.PlainTime.compare(until.toPlainTime(), Temporal.PlainTime.from('17:00')) <= 0
  );
}
