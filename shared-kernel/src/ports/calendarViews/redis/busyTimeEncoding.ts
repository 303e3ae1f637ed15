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

/** One user's part of readBusy.lua's answer (see there): {0}, {1, 0 or 1} or {1, day texts, long intervals}. */
export type BusyAnswer = (number | (string | null)[])[];

/**
 * The intervals of a 'list' answer (read over `days`, see `busyReadDays`) that overlap [from, to), each
 * once: an interval crossing midnight is filed under both days, so it is taken from the text of the
 * day it starts on, or from the first day read when it starts before that.
 */
export function busyFromListAnswer(answer: BusyAnswer, days: string[], from: number, to: number): BusyInterval[] {
  const found: BusyInterval[] = [];
  const firstDay = Number(days[0]?.replace('=', ''));
  const take = (entry: string, day: number | undefined) => {
    const bar = entry.indexOf('|');
    const kindAt = entry.indexOf('|', bar + 1) + 1;
    const start = Number(entry.slice(0, bar));
    if (day !== undefined && day !== firstDay && Math.floor(start / DAY_MS) !== day) return;
    const end = Number(entry.slice(bar + 1, kindAt - 1));
    if (start < to && end > from) found.push({ start, end, kind: entry.charCodeAt(kindAt) === 98 /* b */ ? 'busy' : 'tentative' });
  };
  const texts = (answer[1] ?? []) as (string | null)[];
  texts.forEach((text, d) => {
    if (!text) return;
    const day = firstDay + d;
    // Each entry is ' <start>|<end>|<kind>|<event id>'.
    for (let at = text.indexOf(' '); at !== -1; ) {
      const next = text.indexOf(' ', at + 1);
      take(text.slice(at + 1, next === -1 ? undefined : next), day);
      at = next;
    }
  });
  for (const entry of (answer[2] ?? []) as string[]) take(entry, undefined);
  return found.sort((a, b) => a.start - b.start);
}
