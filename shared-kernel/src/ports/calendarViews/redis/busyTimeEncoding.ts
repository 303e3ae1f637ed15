import type { BusyInterval } from '../../../intervals';
import type { AttendanceRow } from '../../readModel/attendanceRows';
import { keptBusyTime } from '../viewBusyTime';

/** The day `:bh` files intervals under is the UTC day number: floor(instant / DAY_MS). applyChanges.lua declares the same. */
export const DAY_MS = 86_400_000;
/** Busy intervals up to a day (timed events, all-day days) are filed by day in `:bh`; longer ones go to `:bl`. */
const SHORT_BUSY_MS = DAY_MS;

/**
 * A row's kept busy time as applyChanges.lua takes it: its intervals (`<start>|<end>|<b|t>`,
 * space-separated, `L`-prefixed when longer than SHORT_BUSY_MS), covered from and covered until
 * ('' = unbounded), and the longest long interval.
 */
export function encodeKeptBusyTime(row: AttendanceRow, now: number): string[] {
  const kept = keptBusyTime(row, now);
  const intervals: string[] = [];
  let longestLong = 0;
  for (const i of kept.intervals) {
    const long = i.end - i.start > SHORT_BUSY_MS;
    if (long) longestLong = Math.max(longestLong, i.end - i.start);
    intervals.push(`${long ? 'L' : ''}${i.start}|${i.end}|${i.kind === 'busy' ? 'b' : 't'}`);
  }
  const bound = (instant: number) => (Number.isFinite(instant) ? String(instant) : '');
  return [intervals.join(' '), bound(kept.coveredFrom), bound(kept.coveredUntil), String(longestLong)];
}

/**
 * `encodeKeptBusyTime` for many rows at one `now`, each event expanded once rather than once per person.
 * A row with no answers to single occurrences keeps its event's occurrences as they are: the accepted
 * row's encoding is computed once per event object, a pending or tentative row's is the same with every
 * interval tentative, a declined row's has none over the same covered stretch (keptBusyTime's rule; the
 * unit test holds the two to each other). Rows with answers to single occurrences are encoded each alone.
 */
export function keptBusyTimeEncoder(now: number): (row: AttendanceRow) => string[] {
  const accepted = new WeakMap<AttendanceRow['event'], string[]>();
  const tentative = new WeakMap<AttendanceRow['event'], string[]>();
  return (row) => {
    if (row.occurrenceResponses && Object.keys(row.occurrenceResponses).length > 0) return encodeKeptBusyTime(row, now);
    let asAccepted = accepted.get(row.event);
    if (!asAccepted) {
      asAccepted = encodeKeptBusyTime({ ...row, rsvpStatus: 'ACCEPTED', occurrenceResponses: {} }, now);
      accepted.set(row.event, asAccepted);
    }
    if (row.rsvpStatus === 'ACCEPTED') return asAccepted;
    const [intervals, coveredFrom, coveredUntil, longestLong] = asAccepted as [string, string, string, string];
    if (row.rsvpStatus === 'DECLINED') return ['', coveredFrom, coveredUntil, '0'];
    let asTentative = tentative.get(row.event);
    if (!asTentative) {
      asTentative = [intervals.replaceAll('|b', '|t'), coveredFrom, coveredUntil, longestLong];
      tentative.set(row.event, asTentative);
    }
    return asTentative;
  };
}

/** The UTC day numbers [from, to) touches (the fields of `:bh` a read needs), '='-prefixed when wholly inside it. */
export function busyReadDays(from: number, to: number): string[] {
  const days: string[] = [];
  for (let d = Math.floor(from / DAY_MS); d <= Math.floor((to - 1) / DAY_MS); d++) days.push(d * DAY_MS >= from && (d + 1) * DAY_MS <= to ? `=${d}` : String(d));
  return days;
}

/** One user's part of readBusy.lua's answer (see there): {0}, {2}, {1, 0 or 1, stamp} or {1, day texts, long intervals, stamp}. */
export type BusyAnswer = (number | string | (string | null)[])[];

/**
 * The intervals of a 'list' answer (read over `days`, see `busyReadDays`) that overlap [from, to), each
 * once: an interval crossing midnight is filed under both days, so it is taken from the text of the
 * day it starts on, or from the first day read when it starts before that. Free/busy reads 50 people's
 * weeks a request: the texts are scanned in place, numbers read digit by digit, with no piece cut out.
 */
export function busyFromListAnswer(answer: BusyAnswer, days: string[], from: number, to: number): BusyInterval[] {
  const found: BusyInterval[] = [];
  const firstDay = Number(days[0]?.replace('=', ''));
  const texts = (answer[1] ?? []) as (string | null)[];
  for (let d = 0; d < texts.length; d++) {
    const text = texts[d];
    // Each entry is ' <start>|<end>|<kind>|<event id>'.
    if (text) takeEntries(text, text.indexOf(' ') + 1, d === 0 ? undefined : firstDay + d, from, to, found);
  }
  // A long interval is one member '<start>|<end>|<kind>|<event id>', whatever day it starts on.
  for (const entry of (answer[2] ?? []) as string[]) takeEntries(entry, 0, undefined, from, to, found);
  return found.sort((a, b) => a.start - b.start);
}

/** Where readNumber stopped: the index of the character after the number. */
let readEnd = 0;

/** The integer written in `text` at `at` (an optional '-', then digits); sets readEnd. */
function readNumber(text: string, at: number): number {
  let i = at;
  const negative = text.charCodeAt(i) === 45; /* - */
  if (negative) i++;
  const first = i;
  let value = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * 10 + (c - 48);
  readEnd = i;
  if (i === first) return NaN; // no digits: nothing a view writes, and nothing that overlaps a window
  return negative ? -value : value;
}

/**
 * Pushes the entries of `text` from `at` on that overlap [from, to) (entries are separated by ' '); with
 * `day`, only those starting on that UTC day (the others are taken from the day they start on).
 */
function takeEntries(text: string, at: number, day: number | undefined, from: number, to: number, found: BusyInterval[]): void {
  for (let i = at; ; ) {
    const start = readNumber(text, i);
    const end = readNumber(text, readEnd + 1);
    const kind = text.charCodeAt(readEnd + 1) === 98 /* b */ ? 'busy' : 'tentative';
    if ((day === undefined || Math.floor(start / DAY_MS) === day) && start < to && end > from) found.push({ start, end, kind });
    const next = text.indexOf(' ', readEnd + 1);
    if (next === -1) return;
    i = next + 1;
  }
}
