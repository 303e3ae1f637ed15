import { randomUUID } from 'node:crypto';
import { currentSchemaVersion, DomainError, type EventMetadata, type StoredEvent } from '@datebook/shared-kernel';
import { type AppendResult, type EventStore, foldStored, WrongExpectedVersionError } from '@datebook/shared-kernel/ports';

/** How a stream is read back into state: the fold half of a decider. */
export interface StreamFold<Event extends { type: string; data: unknown }, State> {
  evolve(state: State, event: Event): State;
  /** `evolve` over a run of events, where the aggregate does it cheaper (the Calendar's rules). */
  evolveAll?(state: State, events: readonly Event[]): State;
  initialState(): State;
  /** Parses a stored event (upcast to its current version); undefined for types this aggregate does not know. */
  parse(stored: StoredEvent): Event | undefined;
}

/** The pure parts of an aggregate, as the command handler needs them. */
export interface Decider<Command, Event extends { type: string; data: unknown }, State> extends StreamFold<Event, State> {
  decide(command: Command, state: State): Event[];
}

export interface CommandContext {
  actorID: string;
  now: Date;
  correlationId: string;
  /** From `If-Match`: the stream must still be at this version, or the command fails with 412. */
  expectedVersion?: number;
}

/** A stream folded into state, and the version it was read at (null when it does not exist). */
export interface LoadedStream<State> {
  state: State;
  version: number | null;
}

export interface CommandResult<Event, State> extends LoadedStream<State> {
  events: Event[];
  /** The stream's version after the command (unchanged when the command was a no-op). */
  version: number | null;
}

const MAX_ATTEMPTS = 4;

/** Read → fold: every read of an aggregate's state in command-api goes through here. */
export async function loadStream<Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamName: string,
  fold: StreamFold<Event, State>,
): Promise<LoadedStream<State>> {
  const { events, currentVersion } = await store.readStream(streamName);
  return { state: foldStored(fold, fold.initialState(), events), version: currentVersion };
}

/** `loadStream` for many streams of one aggregate, read in one round trip (results in the order of `streamNames`). */
export async function loadStreams<Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamNames: readonly string[],
  fold: StreamFold<Event, State>,
): Promise<LoadedStream<State>[]> {
  const reads = await store.readStreams(streamNames.map((streamName) => ({ streamName })));
  return reads.map(({ events, currentVersion }) => ({ state: foldStored(fold, fold.initialState(), events), version: currentVersion }));
}

/** Who and when, stamped on every event command-api writes, with the payload version its type is written in today. */
function metadataOf(type: string, context: CommandContext): EventMetadata {
  return { actorID: context.actorID, occurredAt: context.now.toISOString(), correlationId: context.correlationId, schemaVersion: currentSchemaVersion(type) };
}

/**
 * Read → decide → append with the expected version; a conflict retries from a fresh read, then 409. The one
 * path by which command-api appends. `loaded`, a state the caller has just read with `loadStream`, stands
 * in for the first read (a stale one only costs a retry: the append checks its version).
 */
export async function handleCommand<Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  context: CommandContext,
  loaded?: LoadedStream<State>,
): Promise<CommandResult<Event, State>> {
  let known = loaded;
  for (let attempt = 1; ; attempt++) {
    const { state, version } = known ?? (await loadStream(store, streamName, decider));
    known = undefined;
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      throw new DomainError('VERSION_MISMATCH', `the event is at version ${version ?? 'none'}, not ${context.expectedVersion}`);
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, version };
    try {
      const appended = await store.appendToStream(
        streamName,
        events.map((event) => ({ eventID: randomUUID(), type: event.type, data: event.data, metadata: metadataOf(event.type, context) })),
        version ?? 'no_stream',
      );
      const finalState = events.reduce(decider.evolve, state);
      return { events, state: finalState, version: appended.nextExpectedVersion };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (context.expectedVersion !== undefined) throw new DomainError('VERSION_MISMATCH', 'the event changed meanwhile');
      if (attempt >= MAX_ATTEMPTS) throw new DomainError('CONCURRENCY_CONFLICT', 'the event is being changed by others; try again');
    }
  }
}

/** What `startStreams` made of one new stream: its result, or the decider's refusal. */
export type StreamStart<Event, State> = { ok: true; result: CommandResult<Event, State> } | { ok: false; error: DomainError };

/**
 * Bulk creation (an import): each command is decided against its stream's initial state, and every stream
 * the deciders accepted is started in one commit (`appendNewStreams`). Undefined, with nothing appended, when
 * any of the streams exists after all: the caller then runs each command through `handleCommand`, which
 * reads it. A refusal by a decider is that command's alone.
 */
export async function startStreams<Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  starts: readonly { streamName: string; command: Command }[],
  context: CommandContext,
): Promise<StreamStart<Event, State>[] | undefined> {
  const decided = starts.map(({ streamName, command }): { streamName: string; events: Event[] } | DomainError => {
    try {
      return { streamName, events: decider.decide(command, decider.initialState()) };
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
  });
  const accepted = decided.filter((d): d is { streamName: string; events: Event[] } => !(d instanceof DomainError) && d.events.length > 0);
  let appended: AppendResult[];
  try {
    appended = await store.appendNewStreams(accepted.map(({ streamName, events }) => ({
      streamName, events: events.map((event) => ({ eventID: randomUUID(), type: event.type, data: event.data, metadata: metadataOf(event.type, context) })),
    })));
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return undefined;
    throw error;
  }
  const versionOf = new Map(accepted.map((a, i) => [a.streamName, appended[i]?.nextExpectedVersion ?? null]));
  return decided.map((d) => {
    if (d instanceof DomainError) return { ok: false, error: d };
    return { ok: true, result: { events: d.events, state: d.events.reduce(decider.evolve, decider.initialState()), version: versionOf.get(d.streamName) ?? null } };
  });
}
