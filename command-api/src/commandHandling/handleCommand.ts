import { randomUUID } from 'node:crypto';
import { DomainError } from '@datebook/shared-kernel';
import { type EventStore, WrongExpectedVersionError } from '@datebook/shared-kernel/ports';

/** The pure parts of an aggregate, as the command handler needs them. */
export interface Decider<Command, Event extends { type: string; data: unknown }, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** Parses a stored event; undefined for types this aggregate does not know. */
  parse(type: string, data: unknown): Event | undefined;
}

export interface CommandContext {
  actorID: string;
  now: Date;
  correlationId: string;
  /** From `If-Match`: the stream must still be at this version, or the command fails with 412. */
  expectedVersion?: number;
}

export interface CommandResult<Event, State> {
  events: Event[];
  state: State;
  /** The stream's version after the command (unchanged when the command was a no-op). */
  version: number | null;
}

const MAX_ATTEMPTS = 4;

/** Read → decide → append with the expected version; a conflict retries from a fresh read, then 409. */
export async function handleCommand<Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  context: CommandContext,
): Promise<CommandResult<Event, State>> {
  for (let attempt = 1; ; attempt++) {
    const { events: recorded, currentVersion } = await store.readStream(streamName);
    let state = decider.initialState();
    for (const event of recorded) {
      const parsed = decider.parse(event.type, event.data);
      if (parsed) state = decider.evolve(state, parsed);
    }
    if (context.expectedVersion !== undefined && context.expectedVersion !== currentVersion) {
      throw new DomainError('VERSION_MISMATCH', `the event is at version ${currentVersion ?? 'none'}, not ${context.expectedVersion}`);
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, version: currentVersion };
    try {
      const appended = await store.appendToStream(
        streamName,
        events.map((event) => ({
          eventID: randomUUID(),
          type: event.type,
          data: event.data,
          metadata: { actorID: context.actorID, occurredAt: context.now.toISOString(), correlationId: context.correlationId, schemaVersion: 1 },
        })),
        currentVersion ?? 'no_stream',
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
