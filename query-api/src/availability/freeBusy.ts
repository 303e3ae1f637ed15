import { type Interval, MINUTE_MS, clipIntervals, isEmptyInterval, mergeIntervals, subtractIntervals } from '@datebook/shared-kernel';
import { type BusyInterval, isoInstant } from '@datebook/shared-kernel';

export interface FreeBusy {
  /** Merged busy time (either kind) clipped to the window. */
  readonly busy: Interval[];
  /** The window minus `busy`. */
  readonly free: Interval[];
}

/**
 * One user's free/busy inside `window`. Tentative time counts as busy: a pending invitation may still
 * be accepted, so offering that time as free would invite a double booking. Use `availabilityView`
 * where the distinction matters.
 */
export function freeBusy(busy: readonly Interval[], window: Interval): FreeBusy {
  const merged = mergeIntervals(clipIntervals(busy, window));
  return { busy: merged, free: subtractIntervals(window, merged) };
}

/**
 * `freeBusy(busy, window).busy` as JSON (`[{"start":…,"end":…}]`, UTC instants), written in one pass over
 * the list when it is sorted by start, as the views hand it out: free/busy writes 50 people's weeks a request.
 */
export function busyJson(busy: readonly Interval[], window: Interval): string {
  // Sorted and none empty (an empty or NaN interval would break the sort's order, as mergeIntervals knows): used as it is.
  let ready = true;
  for (let i = 0; i < busy.length && ready; i++) ready = busy[i]!.end > busy[i]!.start && (i === 0 || busy[i - 1]!.start <= busy[i]!.start);
  const list = ready ? busy : busy.filter((interval) => !isEmptyInterval(interval)).sort((a, b) => a.start - b.start);
  let json = '';
  let start = 0;
  let end = 0;
  let open = false;
  const close = () => {
    json += `${json === '' ? '' : ','}{"start":"${isoInstant(start)}","end":"${isoInstant(end)}"}`;
  };
  for (const interval of list) {
    const from = Math.max(interval.start, window.start);
    const to = Math.min(interval.end, window.end);
    if (!(to > from)) continue;
    if (open && from <= end) {
      if (to > end) end = to;
      continue;
    }
    if (open) close();
    start = from;
    end = to;
    open = true;
  }
  if (open) close();
  return `[${json}]`;
}

/**
 * Microsoft Graph getSchedule's `availabilityView`: one character per slot [from + i·slot,
 * from + (i+1)·slot), the last slot cut short at the window's end. '0' free, '1' tentative, '2' busy;
 * a slot takes the strongest status of any entry overlapping it by a positive length, busy over tentative.
 * Throws a RangeError when the slot count is not a finite whole number (slotMinutes ≤ 0, an unbounded
 * window), since the loop would otherwise never end.
 */
export function availabilityView(busy: readonly BusyInterval[], window: Interval, slotMinutes: number): string {
  if (isEmptyInterval(window)) return '';
  const slot = slotMinutes * MINUTE_MS;
  const slots = Math.ceil((window.end - window.start) / slot);
  if (!(slot > 0) || !Number.isSafeInteger(slots)) {
    throw new RangeError(`availabilityView needs a positive slot length and a bounded window (slotMinutes=${slotMinutes})`);
  }
  const firm = mergeIntervals(clipIntervals(busy.filter((entry) => entry.kind !== 'tentative'), window));
  const tentative = mergeIntervals(clipIntervals(busy.filter((entry) => entry.kind === 'tentative'), window));
  // Slots move forward only, so one cursor per list makes the whole view O(n log n + slots).
  let firmAt = 0;
  let tentativeAt = 0;
  let view = '';
  for (let i = 0; i < slots; i += 1) {
    const start = window.start + i * slot;
    const end = Math.min(start + slot, window.end);
    firmAt = skipEndedBy(firm, firmAt, start);
    tentativeAt = skipEndedBy(tentative, tentativeAt, start);
    if (overlaps(firm[firmAt], end)) view += '2';
    else if (overlaps(tentative[tentativeAt], end)) view += '1';
    else view += '0';
  }
  return view;
}

function skipEndedBy(sorted: readonly Interval[], from: number, instant: number): number {
  let at = from;
  for (let interval = sorted[at]; interval !== undefined && interval.end <= instant; interval = sorted[at]) at += 1;
  return at;
}

/** The first interval not ended by the slot's start overlaps the slot iff it starts before the slot ends. */
function overlaps(candidate: Interval | undefined, slotEnd: number): boolean {
  return candidate !== undefined && candidate.start < slotEnd;
}
