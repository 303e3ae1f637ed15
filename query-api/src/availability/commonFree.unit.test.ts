import fc from 'fast-check';
import { commonFree, groupFree, type UserFree } from './commonFree';
import type { Interval } from '@datebook/shared-kernel';
import { anyInterval, covers, gridInstants, gridWindow, intervalList } from '@datebook/shared-kernel/testing';

const M = 60_000;
// Minutes as the unit keeps the expectations readable.
const m = (start: number, end: number): Interval => ({ start: start * M, end: end * M });

describe('commonFree', () => {
  it('keeps maximal common intervals of at least the duration, uncut', () => {
    const alice = [m(0, 30), m(60, 240)];
    const bob = [m(0, 45), m(100, 159), m(170, 300)];
    expect(commonFree([alice, bob], m(0, 300), 30)).toEqual([m(0, 30), m(100, 159), m(170, 240)]);
    expect(commonFree([alice, bob], m(0, 300), 60)).toEqual([m(170, 240)]);
  });

  it('keeps an interval of exactly the duration and drops one a millisecond shorter', () => {
    expect(commonFree([[{ start: 0, end: 30 * M }]], m(0, 60), 30)).toEqual([m(0, 30)]);
    expect(commonFree([[{ start: 0, end: 30 * M - 1 }]], m(0, 60), 30)).toEqual([]);
  });

  it('clips to the window; a zero-length window gives nothing', () => {
    expect(commonFree([[m(0, 100)], [m(20, 200)]], m(50, 150), 10)).toEqual([m(50, 100)]);
    expect(commonFree([[m(0, 100)]], m(50, 50), 0)).toEqual([]);
  });
});

describe('groupFree', () => {
  const users = (...lists: Interval[][]): UserFree[] => lists.map((free, k) => ({ userID: `u${k}`, free }));

  it('with every user required equals commonFree', () => {
    fc.assert(
      fc.property(fc.array(intervalList, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 20 }), (lists, duration) => {
        const scaled = lists.map((list) => list.map(({ start, end }) => m(start, end)));
        const ids = scaled.map((_, k) => `u${k}`);
        const groups = groupFree(users(...scaled), { durationMinutes: duration });
        expect(groups.map(({ start, end }) => ({ start, end }))).toEqual(commonFree(scaled, m(-100, 100), duration));
        for (const group of groups) expect(group.userIDs).toEqual(ids);
      }),
    );
  });

  it('gives each group its whole shared stretch: a larger group for a shorter time, a smaller one for longer', () => {
    const result = groupFree(users([m(0, 180)], [m(60, 240)], [m(120, 300)]), { durationMinutes: 60, minimumAttendees: 2 });
    expect(result).toEqual([
      { ...m(60, 180), userIDs: ['u0', 'u1'] },
      { ...m(120, 240), userIDs: ['u1', 'u2'] },
      { ...m(120, 180), userIDs: ['u0', 'u1', 'u2'] },
    ]);
  });

  it('never hides a smaller group’s long stretch behind somebody free for part of it', () => {
    // u0 and u1 share 0–180; u2 is free only 60–90, which must not cut their stretch into pieces.
    const result = groupFree(users([m(0, 180)], [m(0, 180)], [m(60, 90)]), { durationMinutes: 90, minimumAttendees: 2 });
    expect(result).toEqual([{ ...m(0, 180), userIDs: ['u0', 'u1'] }]);
  });

  it('merges one user’s touching free intervals so they do not split a group', () => {
    const result = groupFree(users([m(0, 30), m(30, 60)], [m(0, 60)]), { durationMinutes: 60 });
    expect(result).toEqual([{ ...m(0, 60), userIDs: ['u0', 'u1'] }]);
  });

  it('never returns anything for no users, too high a minimum, or empty free lists', () => {
    expect(groupFree([], { durationMinutes: 0 })).toEqual([]);
    expect(groupFree(users([m(0, 60)]), { durationMinutes: 0, minimumAttendees: 2 })).toEqual([]);
    expect(groupFree(users([], [m(5, 5)]), { durationMinutes: 0, minimumAttendees: 1 })).toEqual([]);
  });

  it('never returns a zero-length interval where one user hands over to another', () => {
    expect(groupFree(users([m(30, 60)], [m(0, 30)]), { durationMinutes: 0, minimumAttendees: 1 })).toEqual([
      { ...m(0, 30), userIDs: ['u1'] },
      { ...m(30, 60), userIDs: ['u0'] },
    ]);
  });

  it('treats a minimum below 1 as 1', () => {
    expect(groupFree(users([m(0, 60)], []), { durationMinutes: 30, minimumAttendees: 0 })).toEqual([{ ...m(0, 60), userIDs: ['u0'] }]);
  });

  it('returns maximal (interval, group) pairs, earliest first, and every feasible meeting lies in one with all its free users', () => {
    const input = fc.tuple(
      fc.array(fc.array(anyInterval, { maxLength: 5 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 6 }),
    );
    fc.assert(
      fc.property(input, ([lists, duration, minimum]) => {
        // Grid units are used as milliseconds; durationMinutes is scaled back to match.
        const result = groupFree(users(...lists), { durationMinutes: duration / M, minimumAttendees: minimum });
        const freeAt = (t: number) => lists.flatMap((list, k) => (covers(list, t) ? [`u${k}`] : []));
        const freeThroughout = (start: number, end: number) => {
          let group = freeAt(start);
          for (let t = start + 1; t < end; t += 1) group = group.filter((u) => freeAt(t).includes(u));
          return group;
        };
        const needed = Math.max(1, minimum);
        const seen = new Set<string>();
        result.forEach((pair, k) => {
          expect(pair.end - pair.start).toBeGreaterThanOrEqual(Math.max(1, duration));
          expect(pair.userIDs.length).toBeGreaterThanOrEqual(needed);
          expect(freeThroughout(pair.start, pair.end)).toEqual(pair.userIDs);
          // Maximal: widening either way loses a member.
          expect(pair.userIDs.every((u) => freeAt(pair.start - 1).includes(u))).toBe(false);
          expect(pair.userIDs.every((u) => freeAt(pair.end).includes(u))).toBe(false);
          const previous = result[k - 1];
          if (previous) expect(previous.start).toBeLessThanOrEqual(pair.start);
          const key = JSON.stringify(pair);
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        });
        // Complete: any [t1, t2) long enough with enough users free throughout lies in a result holding them all.
        const instants = gridInstants();
        for (const t1 of instants) {
          for (let t2 = t1 + Math.max(1, duration); t2 <= instants[instants.length - 1]!; t2 += 1) {
            const group = freeThroughout(t1, t2);
            if (group.length < needed) break;
            expect(result.some((r) => r.start <= t1 && t2 <= r.end && group.every((u) => r.userIDs.includes(u)))).toBe(true);
          }
        }
      }),
    );
  });
});

describe('commonFree inside a window', () => {
  it('matches every-user coverage pointwise', () => {
    fc.assert(
      fc.property(gridWindow, fc.array(intervalList, { maxLength: 4 }), (window, lists) => {
        const common = commonFree(lists, window, 0);
        for (const t of gridInstants()) {
          expect(covers(common, t)).toBe(window.start <= t && t < window.end && lists.every((list) => covers(list, t)));
        }
      }),
    );
  });
});
