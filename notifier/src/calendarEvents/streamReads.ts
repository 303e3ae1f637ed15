import type { RecordedEvent } from '@datebook/shared-kernel';
import type { EventStore, StreamRead } from '@datebook/shared-kernel/ports';

/**
 * What a delivery needs to read of its streams in the store, each read once: a whole stream (to fold up
 * to a version this consumer has not stored, after a gap or a parked event), or only what follows a
 * version (the stream's next event, which tells whether a command ended). Asked for up front with
 * `want…` and fetched by `prefetch` in one round trip (`readStreams`); anything asked later is read on demand.
 */
export function streamReads(store: EventStore) {
  const whole = new Map<string, Promise<RecordedEvent[]>>();
  const after = new Map<string, { version: number; events: Promise<RecordedEvent[]> }>();
  const wantedWhole = new Set<string>();
  const wantedAfter = new Map<string, number>();

  const readWhole = (stream: string) => {
    let read = whole.get(stream);
    if (!read) {
      read = store.readStream(stream).then((r) => r.events);
      whole.set(stream, read);
    }
    return read;
  };

  return {
    wantWhole(stream: string): void {
      wantedWhole.add(stream);
    },
    wantAfter(stream: string, version: number): void {
      wantedAfter.set(stream, Math.min(version, wantedAfter.get(stream) ?? version));
    },
    async prefetch(): Promise<void> {
      const reads: StreamRead[] = [
        ...[...wantedWhole].filter((stream) => !whole.has(stream)).map((streamName) => ({ streamName })),
        ...[...wantedAfter].filter(([stream]) => !wantedWhole.has(stream) && !whole.has(stream)).map(([streamName, afterVersion]) => ({ streamName, afterVersion })),
      ];
      wantedWhole.clear();
      wantedAfter.clear();
      if (reads.length === 0) return;
      const results = await store.readStreams(reads);
      reads.forEach((read, index) => {
        const events = Promise.resolve(results[index]?.events ?? []);
        if (read.afterVersion === undefined) whole.set(read.streamName, events);
        else after.set(read.streamName, { version: read.afterVersion, events });
      });
    },
    /** The stream's events, oldest first. */
    whole: readWhole,
    /** The stream's event right after `version`, if the store has one. */
    async next(stream: string, version: number): Promise<RecordedEvent | undefined> {
      const partial = after.get(stream);
      const events = whole.has(stream) || !partial || partial.version > version ? await readWhole(stream) : await partial.events;
      return events.find((e) => e.streamVersion === version + 1);
    },
  };
}
