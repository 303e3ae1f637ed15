import fc from 'fast-check';
import type { Interval } from '../intervals/interval';

// Property tests run on a small integer grid: every boundary is an integer, so checking each integer
// instant decides membership of every unit step [t, t+1) exactly.
export const GRID_END = 60;

/** Any pair of grid points, including empty and reversed intervals that the functions must ignore. */
export const anyInterval: fc.Arbitrary<Interval> = fc
  .tuple(fc.integer({ min: -5, max: GRID_END + 5 }), fc.integer({ min: -5, max: GRID_END + 5 }))
  .map(([start, end]) => ({ start, end }));

export const intervalList = fc.array(anyInterval, { maxLength: 12 });

export const gridWindow: fc.Arbitrary<Interval> = fc
  .tuple(fc.integer({ min: 0, max: GRID_END }), fc.integer({ min: 0, max: GRID_END }))
  .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }));

export function covers(list: readonly Interval[], instant: number): boolean {
  return list.some((interval) => interval.start <= instant && instant < interval.end);
}

export function gridInstants(): number[] {
  return Array.from({ length: GRID_END + 21 }, (_, i) => i - 10);
}

export function isCanonical(list: readonly Interval[]): boolean {
  return list.every((interval, i) => {
    const previous = list[i - 1];
    return interval.start < interval.end && (previous === undefined || previous.end < interval.start);
  });
}
