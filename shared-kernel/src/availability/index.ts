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
export { type BusyInterval, type BusyKind, type FreeBusy, availabilityView, freeBusy } from './freeBusy';
export { type UnexpandedStretch, unexpandedBusy } from './unexpandedTime';
export {
  type GroupFreeInterval,
  type GroupFreeOptions,
  type UserFree,
  commonFree,
  groupFree,
} from './commonFree';
export {
  DEFAULT_WORKING_HOURS,
  type IsoWeekday,
  type WorkingHoursEntry,
  workingHoursIntervals,
} from './workingHours';
export {
  type NoSuggestionReason,
  type SuggestTimesRequest,
  type SuggestTimesResult,
  type Suggestion,
  type SuggestionUser,
  suggestTimes,
} from './suggestions';
