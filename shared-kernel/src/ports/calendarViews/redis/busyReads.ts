import { Cluster } from 'ioredis';
import type { BusyInterval } from '../../../intervals';
import type { CalendarViews } from '../calendarViews';
import { type BusyAnswer, busyFromListAnswer, busyReadDays } from './busyTimeEncoding';
import { busyOfAnswer, type KeptBusyAnswer, type KeptBusyAnswers } from './keptBusyAnswers';
import { withinReadTimeout } from './readTimeout';
import type { RedisViewContext } from './viewContext';
import { busyKeysOf } from './viewKeys';

/** A field per day: a window touching more days than this is left to the read model rather than read day by day. */
const MAX_BUSY_READ_DAYS = 93;

/**
 * The views' busy-time reads through readBusy.lua: only users whose view can answer the window are
 * answered. An answer kept from an earlier read (`kept`) is handed its stamp and reused while the view has not moved.
 */
export function redisViewBusyReads(view: RedisViewContext, kept: KeptBusyAnswers): Pick<CalendarViews, 'busy' | 'whoIsBusy'> {
  /** Each answerable user's answer for the window, kept or read anew; none when Redis fails (the caller reads the read model). */
  async function readBusy(userIDs: string[], from: Date, to: Date, mode: 'list' | 'any'): Promise<Map<string, KeptBusyAnswer>> {
    const days = busyReadDays(from.getTime(), to.getTime());
    if (days.length > MAX_BUSY_READ_DAYS) return new Map();
    const start = from.getTime();
    const end = to.getTime();
    const unique = [...new Set(userIDs)];
    // A 'list' read can reuse only a kept answer that holds the intervals.
    const usable = unique.map((userID) => {
      const answer = kept.get(userID, start, end);
      return answer && (mode === 'any' || answer.packed) ? answer : undefined;
    });
    const head = [String(start), String(end), mode, String(days.length), ...days];
    // Standalone: one script for all the users, one round trip. A Cluster spreads users over slots, so one each.
    const calls = view.redis instanceof Cluster ? unique.map((_, u) => [u]) : [unique.map((_, u) => u)];
    const answered = new Map<string, KeptBusyAnswer>();
    try {
      const reads = calls.map((users) => view.scripts.readBusy(
        users.flatMap((u) => busyKeysOf(view.prefix, unique[u]!)),
        [...head, ...users.map((u) => usable[u]?.stamp ?? '')],
      ));
      const answers = await withinReadTimeout(Promise.all(reads), view.readTimeoutMs);
      calls.forEach((users, c) => {
        const perUser = answers[c] as BusyAnswer[];
        users.forEach((u, i) => {
          const userID = unique[u]!;
          const answer = perUser[i];
          const known = usable[u];
          if (answer?.[0] === 2 && known) answered.set(userID, known);
          else if (answer?.[0] === 1) {
            answered.set(userID, mode === 'any' ? keptAny(userID, answer, start, end) : keptList(userID, answer, days, start, end));
          }
        });
      });
      return answered;
    } catch (err) {
      view.logger?.warn({ err, users: unique.length }, 'busy time unreadable from the views; falling back to the read model');
      return new Map();
    }
  }

  /** An answer read anew, kept when its view has a stamp; handed on either way. */
  function keptAny(userID: string, answer: BusyAnswer, from: number, to: number): KeptBusyAnswer {
    const any = answer[1] === 1;
    return kept.keep(userID, from, to, String(answer[2] ?? ''), any) ?? { stamp: '', any };
  }

  function keptList(userID: string, answer: BusyAnswer, days: string[], from: number, to: number): KeptBusyAnswer {
    const busy = busyFromListAnswer(answer, days, from, to);
    return kept.keep(userID, from, to, String(answer[3] ?? ''), busy.length > 0, busy) ?? { stamp: '', any: busy.length > 0, busy };
  }

  return {
    async busy(userIDs, from, to) {
      const found = new Map<string, readonly BusyInterval[]>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, 'list')) found.set(userID, busyOfAnswer(answer) ?? []);
      return found;
    },

    async whoIsBusy(userIDs, from, to) {
      const found = new Map<string, boolean>();
      for (const [userID, answer] of await readBusy(userIDs, from, to, 'any')) found.set(userID, answer.any);
      return found;
    },
  };
}
