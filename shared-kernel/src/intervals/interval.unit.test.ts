import fc from 'fast-check';
import {
  clipIntervals,
  intersectFree,
  intersectIntervals,
  mergeIntervals,
  subtractIntervals,
  type Interval,
} from './interval';
import { covers, gridInstants, gridWindow, intervalList, isCanonical } from '../testing/intervalArbitraries';

const i = (start: number, end: number): Interval => ({ start, end });

describe('mergeIntervals', () => {
  it('sorts and merges overlapping and touching intervals', () => {
    expect(mergeIntervals([i(10, 12), i(1, 3), i(2, 4), i(4, 5), i(7, 8)])).toEqual([i(1, 5), i(7, 8), i(10, 12)]);
  });

  it('keeps the larger end when a contained interval follows', () => {
    expect(mergeIntervals([i(1, 10), i(2, 3)])).toEqual([i(1, 10)]);
  });

  it('drops empty, reversed and NaN intervals and handles an empty list', () => {
    expect(mergeIntervals([i(5, 5), i(6, 4), i(Number.NaN, 3)])).toEqual([]);
    expect(mergeIntervals([])).toEqual([]);
  });

  it('returns plain intervals without extra properties', () => {
    expect(mergeIntervals([{ start: 1, end: 2, kind: 'busy' } as Interval])).toEqual([i(1, 2)]);
  });

  it('is sorted, disjoint, non-touching and covers exactly the union of the input', () => {
    fc.assert(
      fc.property(intervalList, (list) => {
        const merged = mergeIntervals(list);
        expect(isCanonical(merged)).toBe(true);
        for (const t of gridInstants()) expect(covers(merged, t)).toBe(covers(list, t));
      }),
    );
  });
});

describe('clipIntervals', () => {
  it('cuts to the window and drops what only touches it', () => {
    expect(clipIntervals([i(0, 5), i(8, 9), i(3, 12), i(10, 20), i(0, 4)], i(4, 10))).toEqual([i(4, 5), i(8, 9), i(4, 10)]);
  });

  it('returns nothing for a zero-length window', () => {
    expect(clipIntervals([i(0, 10)], i(5, 5))).toEqual([]);
  });
});

describe('subtractIntervals', () => {
  it('returns the gaps between busy intervals', () => {
    expect(subtractIntervals(i(0, 10), [i(6, 7), i(2, 3), i(2, 4)])).toEqual([i(0, 2), i(4, 6), i(7, 10)]);
  });

  it('returns the whole window when nothing is busy, nothing when all is busy', () => {
    expect(subtractIntervals(i(0, 10), [])).toEqual([i(0, 10)]);
    expect(subtractIntervals(i(0, 10), [i(-5, 3), i(3, 15)])).toEqual([]);
  });

  it('returns nothing for a zero-length or reversed window', () => {
    expect(subtractIntervals(i(5, 5), [])).toEqual([]);
    expect(subtractIntervals(i(9, 5), [i(6, 7)])).toEqual([]);
  });

  it('free ∪ busy = window, disjoint', () => {
    fc.assert(
      fc.property(gridWindow, intervalList, (window, busy) => {
        const free = subtractIntervals(window, busy);
        expect(isCanonical(free)).toBe(true);
        for (const t of gridInstants()) {
          const inWindow = window.start <= t && t < window.end;
          expect(covers(free, t)).toBe(inWindow && !covers(busy, t));
        }
      }),
    );
  });
});

describe('intersectIntervals', () => {
  it('keeps what both sides cover', () => {
    expect(intersectIntervals([i(0, 5), i(8, 12)], [i(3, 9), i(11, 20), i(4, 6)])).toEqual([i(3, 5), i(8, 9), i(11, 12)]);
  });

  it('matches pointwise intersection', () => {
    fc.assert(
      fc.property(intervalList, intervalList, (a, b) => {
        const common = intersectIntervals(a, b);
        expect(isCanonical(common)).toBe(true);
        for (const t of gridInstants()) expect(covers(common, t)).toBe(covers(a, t) && covers(b, t));
      }),
    );
  });
});

describe('intersectFree', () => {
  it('returns the window when there are no users', () => {
    expect(intersectFree(i(0, 10), [])).toEqual([i(0, 10)]);
  });

  it('joins touching pieces of one list, but a hand-over between two lists is not common time', () => {
    expect(intersectFree(i(0, 10), [[i(0, 10)], [i(0, 5), i(5, 10)]])).toEqual([i(0, 10)]);
    expect(intersectFree(i(0, 10), [[i(0, 10)], [i(0, 5)], [i(5, 10)]])).toEqual([]);
    // Listed so that the start at 5 sorts before the end at 5: still no zero-length piece.
    expect(intersectFree(i(0, 10), [[i(5, 10)], [i(0, 5)]])).toEqual([]);
  });

  it('matches pointwise intersection within the window', () => {
    fc.assert(
      fc.property(gridWindow, fc.array(intervalList, { maxLength: 4 }), (window, lists) => {
        const common = intersectFree(window, lists);
        expect(isCanonical(common)).toBe(true);
        for (const t of gridInstants()) {
          const inWindow = window.start <= t && t < window.end;
          expect(covers(common, t)).toBe(inWindow && lists.every((list) => covers(list, t)));
        }
      }),
    );
  });
});
