import { DomainError } from '../../errors/domainError';
import { parseStreamName } from '../../streams/streamName';
import type { EventStore } from '../eventStore/eventStore';
import type { AccessStamps } from './accessStamps';

/** Streams whose events decide what someone may see: a calendar's (its rules) and a person's (who they are to rules, their list). */
const ACCESS_CATEGORIES = new Set(['Calendar', 'User']);

const principalsOf = (streamNames: readonly string[]) =>
  streamNames.map(parseStreamName).filter((s) => ACCESS_CATEGORIES.has(s.category)).map((s) => s.id);

/**
 * The command side's store. An append to a Calendar or User stream moves the principal's access stamp twice:
 * before the append, and it must (a stamp that cannot be moved refuses the write with 503 SERVER_BUSY, nothing
 * appended: no change of rights may land unseen by the readers that keep answers beside the stamps); and after
 * it, whatever the append's outcome (an answer built from the old rights between the two moves is dropped by the
 * second; an append that failed only moves a stamp, which is harmless). A second move that fails is logged:
 * the projector moves the stamp again once the event is in the read model.
 */
export function stampingEventStore(store: EventStore, stamps: AccessStamps, logger?: { warn(obj: object, msg: string): void }): EventStore {
  const before = async (streamNames: readonly string[]) => {
    const principals = principalsOf(streamNames);
    if (principals.length === 0) return principals;
    try {
      await stamps.touch(principals);
    } catch (err) {
      logger?.warn({ err, principals }, 'access stamps could not be moved; the change of rights is refused');
      throw new DomainError('SERVER_BUSY', 'this change cannot be made right now; try again shortly');
    }
    return principals;
  };
  const after = async (principals: readonly string[]) => {
    if (principals.length > 0) await stamps.touch(principals).catch((err: unknown) => logger?.warn({ err, principals }, 'access stamps not moved after the append; the projector moves them'));
  };
  return {
    firstVersion: store.firstVersion,
    async appendToStream(streamName, events, expected) {
      const principals = await before([streamName]);
      try {
        return await store.appendToStream(streamName, events, expected);
      } finally {
        await after(principals);
      }
    },
    async appendNewStreams(streams) {
      const principals = await before(streams.map((s) => s.streamName));
      try {
        return await store.appendNewStreams(streams);
      } finally {
        await after(principals);
      }
    },
    readStream: (streamName, afterVersion) => store.readStream(streamName, afterVersion),
    readStreams: (reads) => store.readStreams(reads),
    readAll: (after, limit) => store.readAll(after, limit),
    onAppended: (listener) => store.onAppended(listener),
  };
}
