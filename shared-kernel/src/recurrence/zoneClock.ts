import { Temporal } from 'temporal-polyfill';
import { MS_PER_DAY } from './calendar';
import { RecurrenceError } from './recurrenceError';

// Offsets are looked up per fixed-length bucket of UTC time; a bucket's transitions come from Temporal once.
const BUCKET_MS = 2 ** 35; // about 398 days

interface Bucket {
  start: number;
  end: number;
  /** Offset in force at `start`, then offsets[i] from transitions[i] on. */
  initial: number;
  transitions: number[];
  offsets: number[];
}

/**
 * The instant of a wall time (ms on the local clock) under a zone's offsets, RFC 5545 §3.3.5: a time skipped by
 * a forward shift is read with the offset before the gap (so it moves forward), an ambiguous one is its first
 * occurrence (Temporal's 'compatible' disambiguation). Undefined when two transitions lie within two days of it,
 * which the offsets a day either side cannot tell apart.
 */
export function compatibleInstant(wall: number, offsetAt: (epochMs: number) => number): number | undefined {
  const before = offsetAt(wall - MS_PER_DAY);
  const after = offsetAt(wall + MS_PER_DAY);
  const earlier = wall - before;
  const later = wall - after;
  const earlierValid = offsetAt(earlier) === before;
  const laterValid = offsetAt(later) === after;
  if (earlierValid && laterValid) return Math.min(earlier, later);
  if (earlierValid) return earlier;
  if (laterValid) return later;
  return before !== after ? earlier : undefined;
}

/**
 * A zone's UTC offsets as plain numbers, so converting wall time ↔ instant costs a few comparisons
 * instead of Temporal object allocations.
 */
export class ZoneClock {
  private readonly buckets = new Map<number, Bucket>();
  private recent: Bucket;

  private constructor(readonly timeZone: string) {
    this.recent = this.loadBucket(0);
  }

  static of(timeZone: string): ZoneClock {
    let clock = clocks.get(timeZone);
    if (clock === undefined) {
      try {
        clock = new ZoneClock(timeZone);
      } catch (error) {
        if (error instanceof RangeError) throw new RecurrenceError('TZID', `unknown time zone "${timeZone}"`);
        throw error;
      }
      clocks.set(timeZone, clock);
    }
    return clock;
  }

  /** UTC offset in milliseconds at an instant. */
  offsetAt(epochMs: number): number {
    let bucket = this.recent;
    if (epochMs < bucket.start || epochMs >= bucket.end) {
      const index = Math.floor(epochMs / BUCKET_MS);
      bucket = this.buckets.get(index) ?? this.loadBucket(index);
      this.recent = bucket;
    }
    let offset = bucket.initial;
    for (let i = 0; i < bucket.transitions.length; i++) {
      if ((bucket.transitions[i] ?? Infinity) > epochMs) break;
      offset = bucket.offsets[i] ?? offset;
    }
    return offset;
  }

  /** The wall-clock reading of an instant. */
  wallAt(epochMs: number): number {
    return epochMs + this.offsetAt(epochMs);
  }

  /**
   * The instant of a wall time, RFC 5545 §3.3.5: a time skipped by a forward shift is read with the
   * offset before the gap (so it moves forward), an ambiguous one is its first occurrence. This is
   * Temporal's 'compatible' disambiguation.
   */
  instantOf(wall: number): number {
    const found = compatibleInstant(wall, (epochMs) => this.offsetAt(epochMs));
    if (found !== undefined) return found;
    // Two transitions within two days: rare enough to leave to Temporal.
    return Temporal.Instant.fromEpochMilliseconds(wall)
      .toZonedDateTimeISO('UTC')
      .toPlainDateTime()
      .toZonedDateTime(this.timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
  }

  private loadBucket(index: number): Bucket {
    const start = index * BUCKET_MS;
    const end = start + BUCKET_MS;
    let zoned = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(this.timeZone);
    const bucket: Bucket = { start, end, initial: zoned.offsetNanoseconds / 1e6, transitions: [], offsets: [] };
    for (;;) {
      const next = zoned.getTimeZoneTransition('next');
      if (next === null || next.epochMilliseconds >= end) break;
      bucket.transitions.push(next.epochMilliseconds);
      bucket.offsets.push(next.offsetNanoseconds / 1e6);
      zoned = next;
    }
    this.buckets.set(index, bucket);
    return bucket;
  }
}

const clocks = new Map<string, ZoneClock>();
