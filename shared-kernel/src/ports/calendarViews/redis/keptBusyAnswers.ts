import type { BusyInterval } from '../../../intervals';

/** One user's busy answer for one window, as read under the view's change stamp `stamp`. */
export interface KeptBusyAnswer {
  readonly stamp: string;
  /** Whether any busy time overlaps the window. */
  readonly any: boolean;
  /** The intervals overlapping the window, as just read; absent when only `any` was read, or when kept (then `packed`). */
  readonly busy?: readonly BusyInterval[];
  /**
   * As kept: the intervals packed three numbers each (start, end, 1 busy or 0 tentative). One object per
   * answer instead of one per interval: a million kept intervals as objects made the garbage collector
   * stop the process for a second at a time under free/busy load (issue 15).
   */
  readonly packed?: Float64Array;
}

/** The intervals of an answer, read or kept (a new list each time for a kept one); undefined when only `any` was read. */
export function busyOfAnswer(answer: KeptBusyAnswer): readonly BusyInterval[] | undefined {
  if (answer.busy || !answer.packed) return answer.busy;
  const { packed } = answer;
  const busy: BusyInterval[] = new Array(packed.length / 3);
  for (let i = 0, at = 0; at < packed.length; i++, at += 3) busy[i] = { start: packed[at]!, end: packed[at + 1]!, kind: packed[at + 2] === 1 ? 'busy' : 'tentative' };
  return busy;
}

const NONE = new Float64Array(0);

function packed(busy: readonly BusyInterval[]): Float64Array {
  if (busy.length === 0) return NONE;
  const numbers = new Float64Array(busy.length * 3);
  busy.forEach((interval, i) => {
    numbers[3 * i] = interval.start;
    numbers[3 * i + 1] = interval.end;
    numbers[3 * i + 2] = interval.kind === 'tentative' ? 0 : 1; // no kind: busy
  });
  return numbers;
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
 * day texts and this process their parsing. An answer is trusted for KEPT_BUSY_MAX_AGE_MS at most; its
 * intervals are kept packed (see `packed`).
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
      const replaced = young.get(key);
      if (replaced) youngHeld -= replaced.size;
      put(key, { stamp, any, size, until: clock() + KEPT_BUSY_MAX_AGE_MS, ...(busy ? { packed: packed(busy) } : {}) });
      return { stamp, any, ...(busy ? { busy } : {}) };
    },
  };
}

export type KeptBusyAnswers = ReturnType<typeof keptBusyAnswers>;
