import type { BusyInterval, BusyKind } from './busyInterval';
import type { Interval } from './interval';

/**
 * Where an expansion cut short (by the occurrence cap or the expansion budget) stopped knowing a
 * series: every occurrence starting before `from` was seen, after it anything may be.
 */
export interface UnexpandedStretch {
  readonly from: number;
  /** How firm the series' time is for its person: 'busy' when accepted, else 'tentative'. */
  readonly kind: BusyKind;
}

/**
 * The rest of the window after a truncated expansion stopped, as busy time. A truncated read must never
 * claim someone is free: the occurrences it did not reach may well be there, and free/busy, availability
 * and suggestions would then offer a double booking. Nothing when the stretch starts at or after the
 * window's end.
 */
export function unexpandedBusy(stretch: UnexpandedStretch, window: Interval): BusyInterval[] {
  const start = Math.max(stretch.from, window.start);
  return start < window.end ? [{ start, end: window.end, kind: stretch.kind }] : [];
}
