import { parseStreamName } from '../../streams/streamName';
import type { EventStore } from '../eventStore/eventStore';
import type { AccessStamps } from './accessStamps';

/** Streams whose events decide what someone may see: a calendar's (its rules) and a person's (who they are to rules, their list). */
const ACCESS_CATEGORIES = new Set(['Calendar', 'User']);

const principalsOf = (streamNames: readonly string[]) =>
  streamNames.map(parseStreamName).filter((s) => ACCESS_CATEGORIES.has(s.category)).map((s) => s.id);

/**
 * The command side's store: after an append to a Calendar or User stream commits, and before the caller
 * answers, the principal's access stamp moves — so the next read of anyone who kept an answer on the
 * strength of the old rights builds it afresh (a revoked reader sees nothing on their very next read).
 * A stamp that cannot be moved does not undo the write: it is logged, and the projector moves it again
 * once the event is in the read model.
 */
export function stampingEventStore(store: EventStore, stamps: AccessStamps, logger?: { warn(obj: object, msg: string): void }): EventStore {
  const touch = async (streamNames: readonly string[]) => {
    const principals = principalsOf(streamNames);
    if (principals.length > 0) await stamps.touch(principals).catch((err: unknown) => logger?.warn({ err, principals }, 'access stamps not moved; the projector moves them'));
  };
  return {
    firstVersion: store.firstVersion,
    async appendToStream(streamName, events, expected) {
      const result = await store.appendToStream(streamName, events, expected);
      await touch([streamName]);
      return result;
    },
    async appendNewStreams(streams) {
      const results = await store.appendNewStreams(streams);
      await touch(streams.map((s) => s.streamName));
      return results;
    },
    readStream: (streamName, afterVersion) => store.readStream(streamName, afterVersion),
    readStreams: (reads) => store.readStreams(reads),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
  };
}
