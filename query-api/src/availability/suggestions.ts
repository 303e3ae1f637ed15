import { type GroupFreeInterval, groupFree } from './commonFree';
import type { BusyInterval } from '@datebook/shared-kernel';
import { freeBusy } from './freeBusy';
import { type Interval, MINUTE_MS, intersectIntervals, intervalLength } from '@datebook/shared-kernel';
import { type WorkingHoursEntry, workingHoursIntervals } from './workingHours';

export interface SuggestionUser {
  readonly userID: string;
  /** Tentative entries block time like busy ones (see `freeBusy`). */
  readonly busy: readonly BusyInterval[];
  /** IANA zone the working hours are read in. */
  readonly timeZone: string;
  /** Defaults to `DEFAULT_WORKING_HOURS` (09:00–17:00 Monday to Friday). */
  readonly workingHours?: readonly WorkingHoursEntry[];
}

export interface SuggestTimesRequest {
  readonly users: readonly SuggestionUser[];
  readonly window: Interval;
  readonly durationMinutes: number;
  readonly respectWorkingHours: boolean;
  /** Defaults to every user. */
  readonly minimumAttendees?: number;
}

export type Suggestion = GroupFreeInterval;

/** Why nothing was suggested; every reason that applies is listed, per-user ones in input order. */
export type NoSuggestionReason =
  /** Fewer users than `minimumAttendees` (or no users at all) were asked about. */
  | { readonly code: 'TOO_FEW_USERS'; readonly minimumAttendees: number; readonly users: number }
  /** The window itself is shorter than the meeting. */
  | { readonly code: 'WINDOW_TOO_SHORT' }
  /** This user has no free stretch of at least the duration in the window. */
  | { readonly code: 'NO_FREE_TIME'; readonly userID: string }
  /** This user has free stretches long enough, but none inside his working hours. */
  | { readonly code: 'OUTSIDE_WORKING_HOURS'; readonly userID: string }
  /** Enough users have time on their own, but not enough of them at the same time. */
  | { readonly code: 'NO_COMMON_TIME' };

export interface SuggestTimesResult {
  /** Earliest first; see `groupFree` for what each interval is. */
  readonly suggestions: Suggestion[];
  /** Empty whenever `suggestions` is not. */
  readonly reasons: NoSuggestionReason[];
}

/**
 * "Find a time": the intervals in which at least `minimumAttendees` users are available for
 * `durationMinutes`, available meaning free inside the window and, when `respectWorkingHours`, inside
 * that user's working hours in his own zone.
 */
export function suggestTimes(request: SuggestTimesRequest): SuggestTimesResult {
  const { users, window, durationMinutes, respectWorkingHours } = request;
  const minimumAttendees = Math.max(1, request.minimumAttendees ?? users.length);
  const minimumLength = durationMinutes * MINUTE_MS;
  const longEnough = (list: readonly Interval[]) => list.some((interval) => intervalLength(interval) >= minimumLength);

  const perUser = users.map((user) => {
    const { free } = freeBusy(user.busy, window);
    const available = respectWorkingHours
      ? intersectIntervals(free, workingHoursIntervals(user.timeZone, window, user.workingHours))
      : free;
    return { user, free, available };
  });
  const suggestions = groupFree(
    perUser.map(({ user, available }) => ({ userID: user.userID, free: available })),
    { durationMinutes, minimumAttendees },
  );
  if (suggestions.length > 0) return { suggestions, reasons: [] };

  if (users.length < minimumAttendees) {
    return { suggestions, reasons: [{ code: 'TOO_FEW_USERS', minimumAttendees, users: users.length }] };
  }
  if (intervalLength(window) < minimumLength || intervalLength(window) === 0) {
    return { suggestions, reasons: [{ code: 'WINDOW_TOO_SHORT' }] };
  }
  const reasons: NoSuggestionReason[] = [];
  let usersWithTime = 0;
  for (const { user, free, available } of perUser) {
    if (!longEnough(free)) reasons.push({ code: 'NO_FREE_TIME', userID: user.userID });
    else if (!longEnough(available)) reasons.push({ code: 'OUTSIDE_WORKING_HOURS', userID: user.userID });
    else usersWithTime += 1;
  }
  // Per-user reasons explain the empty result only when they leave too few users; otherwise the
  // users who do have time never have it together.
  if (usersWithTime >= minimumAttendees) reasons.push({ code: 'NO_COMMON_TIME' });
  return { suggestions, reasons };
}
