import { compareLogPositions, type LogPosition, type RecordedEvent } from '../../events/recordedEvent';
import { appendSignal } from './appendSignal';
import { type AppendResult, type EventStore, type EventToAppend, type ExpectedVersion, type NewStream, newStreamsTaken, type StreamReadResult, WrongExpectedVersionError } from './eventStore';

/**
 * The EventStore in this process's memory: the same contract (`eventStoreContract`) as the real ones,
 * for handler and HTTP specifications that should run in milliseconds. Nothing survives the process.
 * Events are stored as JSON copies, so what cannot be stored as JSON (a bigint) is refused as a
 * database would, and no caller can change an event after the fact.
 */
export function inMemoryEventStore(): EventStore {
  const streams = new Map<string, RecordedEvent[]>();
  const log: RecordedEvent[] = [];
  const appended = appendSignal();
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  const store: EventStore = {
    firstVersion: 1,
    async appendNewStreams(newStreams: NewStream[]): Promise<AppendResult[]> {
      const names = new Set<string>();
      for (const { streamName, events } of newStreams) {
        if (events.length === 0) throw new Error('appendNewStreams needs at least one event per stream');
        if (streams.has(streamName) || names.has(streamName)) throw newStreamsTaken(newStreams, streams.get(streamName)?.at(-1)?.streamVersion ?? null);
        names.add(streamName);
      }
      // Serialise every event before any is kept: all or nothing, as one commit.
      JSON.stringify(newStreams.map((s) => s.events));
      const results: AppendResult[] = [];
      for (const { streamName, events } of newStreams) results.push(await store.appendToStream(streamName, events, 'no_stream'));
      return results;
    },
    async appendToStream(streamName: string, events: EventToAppend[], expected: ExpectedVersion): Promise<AppendResult> {
      const stream = streams.get(streamName) ?? [];
      const current = stream.at(-1)?.streamVersion ?? null;
      const matches = expected === 'any' || (expected === 'no_stream' ? current === null : current === expected);
      if (!matches) throw new WrongExpectedVersionError(streamName, expected, current);
      // Serialise all first: a batch is appended whole or not at all.
      const stored = events.map((e) => ({ eventID: e.eventID, type: e.type, data: copy(e.data), metadata: copy(e.metadata) }));
      const recordedAt = new Date();
      const recorded = stored.map((e, i): RecordedEvent => {
        const position = BigInt(log.length + i + 1);
        return { ...e, streamName, streamVersion: (current ?? 0) + i + 1, logPosition: { transactionId: position, position }, recordedAt };
      });
      streams.set(streamName, [...stream, ...recorded]);
      log.push(...recorded);
      const last = recorded.at(-1);
      appended.notify();
      return { nextExpectedVersion: last?.streamVersion ?? current ?? 0, logPosition: last?.logPosition ?? { transactionId: 0n, position: 0n } };
    },
    async readStream(streamName: string, afterVersion?: number): Promise<StreamReadResult> {
      const events = (streams.get(streamName) ?? []).filter((e) => afterVersion === undefined || e.streamVersion > afterVersion);
      return { events: events.map((e) => ({ ...e, data: copy(e.data), metadata: copy(e.metadata) })), currentVersion: events.at(-1)?.streamVersion ?? afterVersion ?? null };
    },
    async readStreams(reads) {
      return Promise.all(reads.map((r) => store.readStream(r.streamName, r.afterVersion)));
    },
    async readAll(after: LogPosition, limit: number): Promise<RecordedEvent[]> {
      const start = log.findIndex((e) => compareLogPositions(e.logPosition, after) > 0);
      if (start < 0) return [];
      return log.slice(start, start + limit).map((e) => ({ ...e, data: copy(e.data), metadata: copy(e.metadata) }));
    },
    onAppended: appended.onAppended,
  };
  return store;
}
