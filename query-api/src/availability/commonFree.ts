import { type Interval, MINUTE_MS, intersectFree, intervalLength, mergeIntervals } from '@datebook/shared-kernel';

/**
 * The maximal intervals inside `window` in which every list (one per user) is free, kept when at
 * least `durationMinutes` long. They are not cut into meeting-sized pieces: picking the start inside
 * them is the caller's choice. With no users the whole window qualifies.
 */
export function commonFree(freeLists: readonly (readonly Interval[])[], window: Interval, durationMinutes: number): Interval[] {
  const minimum = durationMinutes * MINUTE_MS;
  return intersectFree(window, freeLists).filter((interval) => intervalLength(interval) >= minimum);
}

export interface UserFree {
  readonly userID: string;
  readonly free: readonly Interval[];
}

export interface GroupFreeInterval extends Interval {
  /** The users free throughout the interval, in input order. */
  readonly userIDs: string[];
}

export interface GroupFreeOptions {
  readonly durationMinutes: number;
  /** Defaults to every user; values below 1 count as 1, since a meeting needs somebody. */
  readonly minimumAttendees?: number;
}

/**
 * Where at least `minimumAttendees` users are free together, earliest first.
 *
 * Each result is a maximal (interval, group) pair: every user of `userIDs` is free throughout
 * [start, end), nobody else is, and the interval cannot be widened without losing one of them. So any
 * meeting time at which enough users are free lies inside a result whose group holds everyone free
 * for all of it: a long stretch shared by a smaller group is never hidden by somebody free for part of
 * it. Results overlap where groups differ (a larger group for a shorter time, a smaller one for
 * longer). With `minimumAttendees` equal to the number of users this is exactly `commonFree`.
 *
 * Every pair starts where one of its users' free time starts (else it could widen to the left), and
 * its group is the users free at that instant whose free time lasts longest; so a pass over the
 * distinct start instants, each sorting who is free by when they stop, finds them all, each once.
 */
export function groupFree(users: readonly UserFree[], options: GroupFreeOptions): GroupFreeInterval[] {
  const minimumAttendees = Math.max(1, options.minimumAttendees ?? users.length);
  const minimumLength = options.durationMinutes * MINUTE_MS;
  // Merged per user, so the free interval holding an instant is one interval.
  const merged = users.map(({ free }) => mergeIntervals(free));
  const starts = [...new Set(merged.flatMap((list) => list.map((interval) => interval.start)))].sort((a, b) => a - b);

  const result: GroupFreeInterval[] = [];
  for (const start of starts) {
    const holding: { user: number; start: number; end: number }[] = [];
    merged.forEach((list, user) => {
      const interval = list.find((i) => i.start <= start && start < i.end);
      if (interval) holding.push({ user, start: interval.start, end: interval.end });
    });
    if (holding.length < minimumAttendees) continue;
    holding.sort((a, b) => b.end - a.end);
    let latestStart = -Infinity;
    for (const [k, h] of holding.entries()) {
      latestStart = Math.max(latestStart, h.start);
      // Users who stop at the same instant join the group together.
      if (holding[k + 1]?.end === h.end) continue;
      const size = k + 1;
      if (size >= minimumAttendees && latestStart === start && h.end - start >= minimumLength) {
        const members = holding.slice(0, size).map((m) => m.user).sort((a, b) => a - b);
        result.push({ start, end: h.end, userIDs: members.map((i) => users[i]!.userID) });
      }
    }
  }
  // Earliest first; from one instant, the longest stretch (the smallest group) first.
  return result.sort((a, b) => a.start - b.start || b.end - a.end);
}
