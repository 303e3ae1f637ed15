import type { Interval } from './interval';

/** 'tentative' marks time held by a pending invitation; a missing kind means 'busy'. */
export type BusyKind = 'busy' | 'tentative';

export interface BusyInterval extends Interval {
  readonly kind?: BusyKind;
}
