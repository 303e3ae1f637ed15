import type { BusyInterval } from '../../../intervals';

/** One user's busy answer for one window, as read under the view's change stamp `stamp`. */
export interface KeptBusyAnswer {
  readonly stamp: string;
  /** Whether any busy time overlaps the window. */
  readonly any: boolean;
  /** The intervals overlapping the window (frozen: every reader shares them); absent when only `any` was read. */
  readonly busy?: readonly BusyInterval[];
}

/** Past this, one answer is not worth keeping (a calendar this dense is read afresh each time). */
const MAX_KEPT_PER_ANSWER = 10_000;

/**
 * Busy answers kept per (user, window) beside the view change stamp they were read under. readBusy.lua
 * is handed that stamp and answers "unchanged" while the view's stamp still reads the same: every write
 * to a view moves it (applyChanges.lua), and a view that expires or is cleared comes back under a stamp
 * from the server's clock, so an unchanged stamp means unchanged busy time. Free/busy and availability
 * ask about the same few windows (this week, the next) again and again: a kept answer spares Redis the
 * day texts and this process their parsing. Bounded by `maxIntervals` (an answer counts its intervals
 * plus one); the oldest go first.
 */
export function keptBusyAnswers(maxIntervals: number) {
  const kept = new Map<string, KeptBusyAnswer & { size: number }>();
  let held = 0;
  const keyOf = (userID: string, from: number, to: number) => `${userID} ${from} ${to}`;

  function forget(key: string): void {
    const answer = kept.get(key);
    if (!answer) return;
    kept.delete(key);
    held -= answer.size;
  }

  return {
    get(userID: string, from: number, to: number): KeptBusyAnswer | undefined {
      return kept.get(keyOf(userID, from, to));
    },

    /** Keeps what a read found under `stamp` (a view without a stamp keeps nothing). */
    keep(userID: string, from: number, to: number, stamp: string, any: boolean, busy?: BusyInterval[]): KeptBusyAnswer | undefined {
      const key = keyOf(userID, from, to);
      forget(key);
      const size = 1 + (busy?.length ?? 0);
      if (stamp === '' || size > Math.min(MAX_KEPT_PER_ANSWER, maxIntervals)) return undefined;
      while (kept.size > 0 && held + size > maxIntervals) forget(kept.keys().next().value!);
      if (busy) for (const interval of busy) Object.freeze(interval);
      const answer = { stamp, any, size, ...(busy ? { busy: Object.freeze(busy) } : {}) };
      kept.set(key, answer);
      held += size;
      return answer;
    },
  };
}

export type KeptBusyAnswers = ReturnType<typeof keptBusyAnswers>;
