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
/** How long an answer is trusted at most, whatever its stamp says (as kept week views, see keptAnswers.ts). */
export const KEPT_BUSY_MAX_AGE_MS = 10 * 60_000;

/**
 * Busy answers kept per (user, window) beside the view change stamp they were read under. readBusy.lua
 * is handed that stamp and answers "unchanged" while the view's stamp still reads the same: every write
 * to a view moves it (applyChanges.lua), and a view that expires or is cleared comes back under a stamp
 * from the server's clock, so an unchanged stamp means unchanged busy time. Free/busy and availability
 * ask about the same few windows (this week, the next) again and again: a kept answer spares Redis the
 * day texts and this process their parsing. An answer is trusted for KEPT_BUSY_MAX_AGE_MS at most.
 *
 * Bounded by `maxIntervals` (an answer counts its intervals plus one) in two generations: answers go into
 * the young one; when it holds half the bound, the old one is dropped whole and the young one becomes old.
 * An answer found in the old one moves back to the young. Dropping answers one by one from the front of a
 * Map made each drop walk past the ones dropped before it (V8 keeps them until it rehashes): most of the
 * route's CPU once the memory was full.
 */
export function keptBusyAnswers(maxIntervals: number, clock: () => number = Date.now) {
  type Kept = KeptBusyAnswer & { size: number; until: number };
  let young = new Map<string, Kept>();
  let old = new Map<string, Kept>();
  let youngHeld = 0;
  const keyOf = (userID: string, from: number, to: number) => `${userID} ${from} ${to}`;

  function put(key: string, answer: Kept): void {
    if (youngHeld + answer.size > maxIntervals / 2) {
      old = young;
      young = new Map();
      youngHeld = 0;
    }
    young.set(key, answer);
    youngHeld += answer.size;
  }

  return {
    get(userID: string, from: number, to: number): KeptBusyAnswer | undefined {
      const key = keyOf(userID, from, to);
      const found = young.get(key);
      if (found) return found.until > clock() ? found : undefined;
      const aged = old.get(key);
      if (!aged || aged.until <= clock()) return undefined;
      old.delete(key);
      put(key, aged);
      return aged;
    },

    /** Keeps what a read found under `stamp` (a view without a stamp keeps nothing). */
    keep(userID: string, from: number, to: number, stamp: string, any: boolean, busy?: BusyInterval[]): KeptBusyAnswer | undefined {
      const key = keyOf(userID, from, to);
      old.delete(key);
      const size = 1 + (busy?.length ?? 0);
      if (stamp === '' || size > Math.min(MAX_KEPT_PER_ANSWER, maxIntervals / 2)) {
        const dropped = young.get(key);
        if (dropped) {
          young.delete(key);
          youngHeld -= dropped.size;
        }
        return undefined;
      }
      if (busy) for (const interval of busy) Object.freeze(interval);
      const answer: Kept = { stamp, any, size, until: clock() + KEPT_BUSY_MAX_AGE_MS, ...(busy ? { busy: Object.freeze(busy) } : {}) };
      const replaced = young.get(key);
      if (replaced) youngHeld -= replaced.size;
      put(key, answer);
      return answer;
    },
  };
}

export type KeptBusyAnswers = ReturnType<typeof keptBusyAnswers>;
