import type { EventStore } from '../ports/eventStore/eventStore';

/** The store, counting the read statements asked of it (a `readStreams` call is one, whatever its length). */
export function countingReads(store: EventStore): { store: EventStore; reads(): number; take(): number } {
  let reads = 0;
  const counted: EventStore = {
    firstVersion: store.firstVersion,
    appendToStream: (name, events, expected) => store.appendToStream(name, events, expected),
    appendNewStreams: (streams) => store.appendNewStreams(streams),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
    readStream(name, afterVersion) {
      reads++;
      return store.readStream(name, afterVersion);
    },
    readStreams(asked) {
      reads++;
      return store.readStreams(asked);
    },
  };
  return {
    store: counted,
    reads: () => reads,
    /** The count so far, starting again from zero. */
    take: () => [reads, (reads = 0)][0]!,
  };
}
