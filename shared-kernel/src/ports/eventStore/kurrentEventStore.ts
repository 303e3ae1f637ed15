import {
  ANY,
  type AllStreamResolvedEvent,
  type AppendResult as KurrentAppendResult,
  type AppendStreamState,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  type JSONType,
  KurrentDBClient,
  NO_STREAM,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { compareLogPositions, type EventMetadata, type LogPosition, type RecordedEvent } from '../../events/recordedEvent';
import { appendSignal } from './appendSignal';
import { type AppendResult, type EventStore, type EventToAppend, type ExpectedVersion, type NewStream, newStreamsTaken, WrongExpectedVersionError } from './eventStore';

// Servers before 22.6 send no position on stream reads, or 2^64-1 in its place; no real log gets near 2^63.
const LAST_REAL_POSITION = 2n ** 63n - 1n;

/** $all position → LogPosition: the commit position orders the log, the prepare position breaks ties. */
export function toLogPosition(position: Position | undefined): LogPosition {
  if (
    !position ||
    position.commit < 0n ||
    position.prepare < 0n ||
    position.commit > LAST_REAL_POSITION ||
    position.prepare > LAST_REAL_POSITION
  ) {
    throw new Error('the server reported no log position for an event (EventStoreDB 22.6 or later reports them)');
  }
  return { transactionId: position.commit, position: position.prepare };
}

/** LogPosition → where a forward $all read starts. The server's own records fill position 0, so START_OF_LOG is no event's position. */
export function toReadPosition(after: LogPosition): ReadPosition {
  if (after.transactionId === 0n && after.position === 0n) return START;
  return { commit: after.transactionId, prepare: after.position };
}

export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  // The wire takes a uint64; a negative or fractional revision would be rejected or misread there.
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected version ${expected}`);
  return BigInt(expected);
}

function toVersion(revision: bigint): number {
  const version = Number(revision);
  if (!Number.isSafeInteger(version)) throw new RangeError(`stream revision ${revision} is beyond a safe integer`);
  return version;
}

/** A system event: EventStoreDB's own `$`-typed events (stats, metadata, links) or anything in a `$` stream. */
export function isSystemEvent(streamName: string, type: string): boolean {
  return streamName.startsWith('$') || type.startsWith('$');
}

function checkedJson(value: unknown, what: string): JSONType {
  // The client stringifies while streaming the request: a throw there leaves the call half-sent and
  // never settled, so anything unstorable must fail here, before the first byte goes out.
  if (JSON.stringify(value) === undefined) throw new TypeError(`${what} is not JSON`);
  return value as JSONType;
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    eventID: event.id,
    streamName: event.streamId,
    streamVersion: toVersion(event.revision),
    logPosition: toLogPosition(event.position),
    type: event.type,
    data: event.data,
    // This adapter writes every event's metadata as the JSON EventMetadata.
    metadata: event.metadata as unknown as EventMetadata,
    recordedAt: event.created,
  };
}

/** The EventStore on EventStoreDB / KurrentDB: stream versions start at 0, the log is $all. */
export function kurrentEventStore(client: KurrentDBClient): EventStore {
  const appended = appendSignal();

  async function positionOfRevision(streamName: string, revision: bigint): Promise<LogPosition> {
    for await (const resolved of client.readStream(streamName, { fromRevision: revision, maxCount: 1, direction: FORWARDS })) {
      const recorded = toRecorded(resolved);
      if (recorded) return recorded.logPosition;
    }
    throw new Error(`event ${revision} of ${streamName} vanished right after its append`);
  }

  const proposedOf = (events: EventToAppend[]) => events.map((event) =>
    jsonEvent({ id: event.eventID, type: event.type, data: checkedJson(event.data, `data of ${event.type}`), metadata: checkedJson(event.metadata, `metadata of ${event.type}`) }),
  );

  const store: EventStore = {
    firstVersion: 0,

    async appendNewStreams(streams: NewStream[]): Promise<AppendResult[]> {
      if (streams.some((s) => s.events.length === 0)) throw new Error('appendNewStreams needs at least one event per stream');
      if (streams.length === 0) return [];
      // KurrentDB 25.1's multi-stream append: one transaction, every stream's expected state checked.
      let result: Awaited<ReturnType<KurrentDBClient['multiStreamAppend']>>;
      try {
        result = await client.multiStreamAppend(streams.map(({ streamName, events }) => ({ streamName, events: proposedOf(events), expectedState: NO_STREAM })));
      } catch (error) {
        if (error instanceof KurrentWrongExpectedVersionError || /wrong.?expected/i.test(String((error as Error).name ?? '') + String((error as Error).message ?? ''))) throw newStreamsTaken(streams);
        throw error;
      }
      appended.notify();
      const revisions = new Map(result.responses.map((r) => [r.streamName, r.revision]));
      // One commit: every stream's last event shares its position.
      const logPosition = toLogPosition({ commit: result.position, prepare: result.position });
      return streams.map(({ streamName, events }) => ({ nextExpectedVersion: toVersion(revisions.get(streamName) ?? BigInt(events.length - 1)), logPosition }));
    },

    async appendToStream(streamName: string, events: EventToAppend[], expected: ExpectedVersion): Promise<AppendResult> {
      if (events.length === 0) throw new Error('appendToStream needs at least one event');
      const streamState = toStreamState(expected);
      const proposed = events.map((event) =>
        jsonEvent({
          id: event.eventID,
          type: event.type,
          data: checkedJson(event.data, `data of ${event.type}`),
          metadata: checkedJson(event.metadata, `metadata of ${event.type}`),
        }),
      );
      let result: KurrentAppendResult;
      try {
        result = await client.appendToStream(streamName, proposed, { streamState });
      } catch (error) {
        if (error instanceof KurrentWrongExpectedVersionError) {
          const actual = typeof error.actualState === 'bigint' && error.actualState >= 0n ? toVersion(error.actualState) : null;
          throw new WrongExpectedVersionError(streamName, expected, actual);
        }
        throw error;
      }
      // A client built with throwOnAppendFailure=false reports a conflict instead of throwing it.
      if (!result.success) {
        const actual = result.nextExpectedRevision >= 0n ? toVersion(result.nextExpectedRevision) : null;
        throw new WrongExpectedVersionError(streamName, expected, actual);
      }
      appended.notify();
      // The server may omit the position (an idempotent repeat of an earlier append): read it back.
      const logPosition = result.position
        ? toLogPosition(result.position)
        : await positionOfRevision(streamName, result.nextExpectedRevision);
      return { nextExpectedVersion: toVersion(result.nextExpectedRevision), logPosition };
    },

    async readStream(streamName, afterVersion) {
      const events: RecordedEvent[] = [];
      try {
        const from = afterVersion === undefined ? {} : { fromRevision: BigInt(afterVersion + 1) };
        for await (const resolved of client.readStream(streamName, { ...from, direction: FORWARDS })) {
          const recorded = toRecorded(resolved);
          if (recorded) events.push(recorded);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return { events: [], currentVersion: afterVersion ?? null };
        throw error;
      }
      const last = events[events.length - 1];
      return { events, currentVersion: last ? last.streamVersion : (afterVersion ?? null) };
    },

    // The gRPC client multiplexes reads on one channel: in parallel they cost about one round trip.
    async readStreams(reads) {
      return Promise.all(reads.map((r) => store.readStream(r.streamName, r.afterVersion)));
    },

    async readAll(after: LogPosition, limit: number) {
      // $all is written by a single writer in commit order, so nothing can later appear before `after`.
      // A read includes its start position, and the system-event filter can thin a page: read on from
      // the last position seen until `limit` events are kept or the log runs out.
      const events: RecordedEvent[] = [];
      let cursor = after;
      while (events.length < limit) {
        const from = cursor;
        const pageSize = limit - events.length + 1;
        let read = 0;
        const page = client.readAll({ fromPosition: toReadPosition(from), maxCount: pageSize, direction: FORWARDS, filter: excludeSystemEvents() });
        for await (const resolved of page) {
          read++;
          const recorded = toRecorded(resolved);
          if (!recorded || compareLogPositions(recorded.logPosition, from) <= 0) continue;
          cursor = recorded.logPosition;
          if (!isSystemEvent(recorded.streamName, recorded.type) && events.length < limit) events.push(recorded);
        }
        if (read < pageSize || compareLogPositions(cursor, from) === 0) break;
      }
      return events;
    },

    onAppended: appended.onAppended,
  };
  return store;
}

/** Connects by connection string (`esdb://host:2113?tls=false`), so composition roots need not depend on the client. */
export function connectKurrentEventStore(connectionString: string): { store: EventStore; close(): Promise<void> } {
  const client = KurrentDBClient.connectionString(connectionString);
  return { store: kurrentEventStore(client), close: () => client.dispose() };
}
