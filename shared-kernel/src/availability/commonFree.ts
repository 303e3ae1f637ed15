import { type Interval, MINUTE_MS, intersectFree, intervalLength, mergeIntervals } from './interval';

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
 * "Maximal" here: the time covered by anybody's free time is cut at every instant where the set of
 * free users changes, and only there. Each resulting interval [start, end) has one constant set of
 * free users (`userIDs`: exactly those free at every instant of it, nobody else free at any instant of
 * it), and that set differs just before `start` and at `end`, so the interval cannot be widened without
 * changing who is free. Of these intervals, those with at least `minimumAttendees` users and at least
 * `durationMinutes` long are returned. With `minimumAttendees` equal to the number of users this is
 * exactly `commonFree` over the same free time.
 *
 * Consequence of that definition: when fewer than all users are required, an extra user who is free
 * for part of the time splits the interval, so a long stretch shared by a smaller group can come back
 * as pieces shorter than the duration and be dropped. Finding every (interval, group) pair instead
 * can be quadratic in the number of intervals; this sweep is O(n log n) plus the size of the output.
 */
export function groupFree(users: readonly UserFree[], options: GroupFreeOptions): GroupFreeInterval[] {
  const minimumAttendees = Math.max(1, options.minimumAttendees ?? users.length);
  const minimumLength = options.durationMinutes * MINUTE_MS;
  const events: { time: number; user: number; delta: 1 | -1 }[] = [];
  users.forEach(({ free }, user) => {
    // Merged per user, a user never ends and restarts at one instant, so every instant with an event
    // changes the set of free users: each distinct event time is a boundary of the partition.
    for (const interval of mergeIntervals(free)) {
      events.push({ time: interval.start, user, delta: 1 }, { time: interval.end, user, delta: -1 });
    }
  });
  events.sort((a, b) => a.time - b.time);

  const isFree = users.map(() => false);
  let freeCount = 0;
  const result: GroupFreeInterval[] = [];
  for (const [k, { time, user, delta }] of events.entries()) {
    const previous = events[k - 1];
    // The first event at a new instant closes the segment since the previous instant, whose set of
    // free users is the one in force before any event at this instant is applied.
    if (previous !== undefined && previous.time < time && freeCount >= minimumAttendees && time - previous.time >= minimumLength) {
      result.push({ start: previous.time, end: time, userIDs: users.filter((_, i) => isFree[i]).map((u) => u.userID) });
    }
    isFree[user] = delta === 1;
    freeCount += delta;
  }
  return result;
}
