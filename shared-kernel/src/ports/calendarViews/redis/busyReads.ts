import { Cluster } from 'ioredis';
import type { BusyInterval } from '../../../intervals';
import type { CalendarViews } from '../calendarViews';
import { type BusyAnswer, busyFromListAnswer, busyReadDays } from './busyTimeEncoding';
import { withinReadTimeout } from './readTimeout';
import type { RedisViewContext } from './viewContext';
import { busyKeysOf } from './viewKeys';

/** A field per day: a window touching more days than this is left to the read model rather than read day by day. */
const MAX_BUSY_READ_DAYS = 93;

/** The views' busy-time reads through readBusy.lua: only users whose view can answer the window are answered. */
export function redisViewBusyReads(view: RedisViewContext): Pick<CalendarViews, 'busy' | 'whoIsBusy'> {
  /** readBusy.lua's answers (over `days`) of the users whose views can answer; none when Redis fails (the caller reads the read model). */
  async function readBusy(userIDs: string[], from: Date, to: Date, days: string[], mode: 'list' | 'any'): Promise<Map<string, BusyAnswer>> {
    if (days.length > MAX_BUSY_READ_DAYS) return new Map();
    const args = [String(from.getTime()), String(to.getTime()), mode, ...days];
    const unique = [...new Set(userIDs)];
    // Standalone: one script for all the users, one round trip. A Cluster spreads users over slots, so one each.
    const calls = view.redis instanceof Cluster ? unique.map((u) => [u]) : [unique];
    const answered = new Map<string, BusyAnswer>();
    try {
      const reads = calls.map((users) => view.scripts.readBusy(users.flatMap((u) => busyKeysOf(view.prefix, u)), args));
      const answers = await withinReadTimeout(Promise.all(reads), view.readTimeoutMs);
      calls.forEach((users, c) => {
        const perUser = answers[c] as BusyAnswer[];
        users.forEach((userID, u) => {
          const answer = perUser[u];
          if (answer?.[0] === 1) answered.set(userID, answer);
        });
      });
      return answered;
    } catch (err) {
      view.logger?.warn({ err, users: unique.length }, 'busy time unreadable from the views; falling back to the read model');
      return new Map();
    }
  }

  return {
    async busy(userIDs, from, to) {
      const found = new Map<string, BusyInterval[]>();
      const days = busyReadDays(from.getTime(), to.getTime());
      for (const [userID, answer] of await readBusy(userIDs, from, to, days, 'list')) {
        found.set(userID, busyFromListAnswer(answer, days, from.getTime(), to.getTime()));
      }
      return found;
    },

    async whoIsBusy(userIDs, from, to) {
      const found = new Map<string, boolean>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, busyReadDays(from.getTime(), to.getTime()), 'any')) found.set(userID, answer[1] === 1);
      return found;
    },
  };
}
