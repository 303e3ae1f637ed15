export {
  type Interval,
  MINUTE_MS,
  clipIntervals,
  intersectFree,
  intersectIntervals,
  intervalLength,
  isEmptyInterval,
  mergeIntervals,
  subtractIntervals,
} from './interval';
export type { BusyInterval, BusyKind } from './busyInterval';
export { type UnexpandedStretch, unexpandedBusy } from './unexpandedTime';
