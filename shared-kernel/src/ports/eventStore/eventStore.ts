import type { EventMetadata, LogPosition, RecordedEvent } from '../../events/recordedEvent';

/** What a writer expects the stream to be at: the version of its last event, no stream at all, or anything. */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface EventToAppend {
  eventID: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** A stream that does not exist yet, with its first events. */
export interface NewStream {
  streamName: string;
  events: EventToAppend[];
}

export interface AppendResult {
  /** Version of the last appended event: pass it as the expected version of the next append. */
  nextExpectedVersion: number;
  /** Where the last appended event sits in the global log (the basis of consistency tokens). */
  logPosition: LogPosition;
}

export interface StreamReadResult {
  events: RecordedEvent[];
  /** Version of the stream's last event; null when the stream does not exist. */
  currentVersion: number | null;
}

/** One stream of a `readStreams` call: all of it, or only what follows `afterVersion`. */
export interface StreamRead {
  streamName: string;
  afterVersion?: number;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | null,
  ) {
    super(`stream ${streamName} is at ${actual ?? 'no stream'}, expected ${expected}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/**
 * The event store: the source of truth. Contract (checked by `eventStoreContract`):
 * - `appendToStream` appends all events or none, numbered consecutively after the stream's last
 *   version; when `expected` does not match it throws WrongExpectedVersionError and appends nothing.
 *   Of concurrent appends with the same expected version exactly one succeeds.
 * - `appendNewStreams` starts many streams in one commit: all of them, or none when any one exists already
 *   (WrongExpectedVersionError); the results are in the order given. Bulk writes (an import) take one commit
 *   where one append per stream would take thousands.
 * - The first event of a stream has version `firstVersion` (1 on PostgreSQL, 0 on EventStoreDB).
 * - `readStream` returns a stream's events oldest first; given `afterVersion` (a version the caller read
 *   before), only those after it, and `currentVersion` stays `afterVersion` when there are none.
 * - `readStreams` is `readStream` for many streams in one round trip, the results in the order asked: what
 *   a read that checks several folds (a person's rights on five calendars) costs once, not five times.
 * - `readAll(after, limit)` returns events of all streams after a position, in a total order that
 *   never lets an event appear before one already returned: a reader that checkpoints the last
 *   position it saw never skips an event, even one whose transaction committed late.
 * - `onAppended` calls the listener after an append from this process commits (a wake-up hint
 *   for in-process tailers; readers must still poll for other writers).
 */
export interface EventStore {
  readonly firstVersion: number;
  appendToStream(streamName: string, events: EventToAppend[], expected: ExpectedVersion): Promise<AppendResult>;
  appendNewStreams(streams: NewStream[]): Promise<AppendResult[]>;
  readStream(streamName: string, afterVersion?: number): Promise<StreamReadResult>;
  readStreams(reads: readonly StreamRead[]): Promise<StreamReadResult[]>;
  readAll(after: LogPosition, limit: number): Promise<RecordedEvent[]>;
  onAppended(listener: () => void): () => void;
}

/** The error `appendNewStreams` throws when one of the streams exists: the store need not say which. */
export function newStreamsTaken(streams: readonly NewStream[], actual: number | null = null): WrongExpectedVersionError {
  return new WrongExpectedVersionError(streams.length === 1 ? (streams[0]?.streamName ?? '') : `one of ${streams.length} new streams`, 'no_stream', actual);
}
