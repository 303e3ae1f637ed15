import type { EventStore, StreamRead, StreamReadResult } from '@datebook/shared-kernel/ports';

interface PendingRead {
  read: StreamRead;
  resolve(result: StreamReadResult): void;
  reject(error: unknown): void;
}

/** At most this many stream reads in one statement. */
const MAX_READS = 500;

const keyOf = (read: StreamRead) => `${read.afterVersion ?? ''}:${read.streamName}`;

/**
 * The store, with the stream reads of concurrent requests shared: reads asked while one is in flight are sent
 * together as ONE `readStreams` when it returns (the read side of group commit), and the same stream asked
 * twice from the same version is read once. Alone, a read goes at once. Every answer is still the store's as
 * of a moment after it was asked, never older; appends and the log go straight through.
 *
 * Under load a booking's reads (who the host is, the calendar's rules) then cost a share of a statement
 * instead of a round trip each, which is most of what both command-api and PostgreSQL spend on them.
 */
export function sharedReads(store: EventStore): EventStore {
  const queue: PendingRead[] = [];
  let inFlight = false;
  let drainScheduled = false;

  function drain(): void {
    drainScheduled = false;
    if (inFlight || queue.length === 0) return;
    inFlight = true;
    const batch = queue.splice(0, MAX_READS);
    void readTogether(batch).finally(() => {
      inFlight = false;
      drain();
    });
  }

  async function readTogether(batch: PendingRead[]): Promise<void> {
    const distinct = new Map<string, StreamRead>();
    for (const { read } of batch) distinct.set(keyOf(read), read);
    const reads = [...distinct.values()];
    let results: StreamReadResult[];
    try {
      results = await store.readStreams(reads);
    } catch (error) {
      // What one read asked for may be what the statement refused: each is asked again alone, and fails alone.
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map(({ read, resolve, reject }) => store.readStream(read.streamName, read.afterVersion).then(resolve, reject)));
      return;
    }
    const byKey = new Map(reads.map((read, index) => [keyOf(read), results[index]!]));
    for (const { read, resolve } of batch) {
      const { events, currentVersion } = byKey.get(keyOf(read))!;
      // Each caller gets its own list: a result shared by two callers is never changed by one under the other.
      resolve({ events: [...events], currentVersion });
    }
  }

  const ask = (read: StreamRead) =>
    new Promise<StreamReadResult>((resolve, reject) => {
      queue.push({ read, resolve, reject });
      // Reads asked in the same turn of the event loop go together.
      if (!drainScheduled) {
        drainScheduled = true;
        queueMicrotask(drain);
      }
    });

  return {
    firstVersion: store.firstVersion,
    appendToStream: (streamName, events, expected) => store.appendToStream(streamName, events, expected),
    appendNewStreams: (streams) => store.appendNewStreams(streams),
    readStream: (streamName, afterVersion) => ask(afterVersion === undefined ? { streamName } : { streamName, afterVersion }),
    readStreams: (reads) => Promise.all(reads.map(ask)),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
  };
}
