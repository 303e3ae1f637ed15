/**
 * A half-open span of time [start, end) in epoch milliseconds. An interval with end <= start (or a NaN
 * bound) is empty: every function here drops it instead of failing, because inputs come from stored
 * events that callers have validated only as far as their own rules go.
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export const MINUTE_MS = 60_000;

export function isEmptyInterval(interval: Interval): boolean {
  return !(interval.end > interval.start);
}

export function intervalLength(interval: Interval): number {
  return isEmptyInterval(interval) ? 0 : interval.end - interval.start;
}

/**
 * The union of `list` as sorted, disjoint intervals. Touching intervals merge too ([9,10) and [10,11)
 * become [9,11)), so the result is the canonical form the other functions rely on: no two results meet.
 * Returns fresh objects without extra properties (a busy entry's `kind` does not leak through).
 */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((interval) => !isEmptyInterval(interval)).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && next.start <= last.end) {
      if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end };
    } else {
      merged.push({ start: next.start, end: next.end });
    }
  }
  return merged;
}

/** Each interval cut to `window`, in input order; what falls outside (or touches it from outside) is dropped. */
export function clipIntervals(list: readonly Interval[], window: Interval): Interval[] {
  const clipped: Interval[] = [];
  for (const interval of list) {
    const piece = { start: Math.max(interval.start, window.start), end: Math.min(interval.end, window.end) };
    if (!isEmptyInterval(piece)) clipped.push(piece);
  }
  return clipped;
}

/** `window` minus the union of `busy`: the free intervals, sorted, disjoint and non-touching. */
export function subtractIntervals(window: Interval, busy: readonly Interval[]): Interval[] {
  const free: Interval[] = [];
  let cursor = window.start;
  for (const taken of mergeIntervals(clipIntervals(busy, window))) {
    if (taken.start > cursor) free.push({ start: cursor, end: taken.start });
    cursor = taken.end;
  }
  if (window.end > cursor) free.push({ start: cursor, end: window.end });
  return free;
}

/** The intersection of two sets of intervals, merged. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = mergeIntervals(a);
  const right = mergeIntervals(b);
  const common: Interval[] = [];
  let i = 0;
  let j = 0;
  for (let l = left[i], r = right[j]; l !== undefined && r !== undefined; l = left[i], r = right[j]) {
    const start = Math.max(l.start, r.start);
    const end = Math.min(l.end, r.end);
    if (end > start) common.push({ start, end });
    if (l.end <= r.end) i += 1;
    else j += 1;
  }
  // Pieces cut from two canonical lists never touch, so no second merge is needed.
  return common;
}

/**
 * The time inside `window` that lies in every one of `lists` (each list is one user's free time).
 * With no lists the whole window is returned: nobody is busy. A single sweep over all boundaries keeps
 * this O(n log n) where folding `intersectIntervals` over k users would be O(k·n).
 */
export function intersectFree(window: Interval, lists: readonly (readonly Interval[])[]): Interval[] {
  if (isEmptyInterval(window)) return [];
  if (lists.length === 0) return [{ start: window.start, end: window.end }];
  const events: { time: number; delta: 1 | -1 }[] = [];
  for (const list of lists) {
    // Merging per list makes every list contribute at most 1 to the count at any instant.
    for (const interval of mergeIntervals(clipIntervals(list, window))) {
      events.push({ time: interval.start, delta: 1 }, { time: interval.end, delta: -1 });
    }
  }
  events.sort((a, b) => a.time - b.time);
  const common: Interval[] = [];
  let covering = 0;
  let openedAt: number | undefined;
  for (const [k, { time, delta }] of events.entries()) {
    covering += delta;
    // Judge only after every event at this instant: an end and a start at the same instant must not
    // open or close a zero-length piece.
    if (events[k + 1]?.time === time) continue;
    if (covering === lists.length && openedAt === undefined) openedAt = time;
    else if (covering !== lists.length && openedAt !== undefined) {
      common.push({ start: openedAt, end: time });
      openedAt = undefined;
    }
  }
  return common;
}
