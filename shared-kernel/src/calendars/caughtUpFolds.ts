import type { StoredEvent } from '../events/recordedEvent';
import type { EventStore } from '../ports/eventStore/eventStore';

export interface StreamFolder<Event, State> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** `evolve` over a run of events, where an aggregate can do it cheaper than one by one (see the Calendar's). */
  evolveAll?(state: State, events: readonly Event[]): State;
  parse(stored: StoredEvent): Event | undefined;
}

/** Folds stored events onto a state: the aggregate's own batch fold when it has one. */
export function foldStored<Event, State>(folder: StreamFolder<Event, State>, state: State, stored: readonly StoredEvent[]): State {
  const events = stored.flatMap((recorded) => {
    const parsed = folder.parse(recorded);
    return parsed === undefined ? [] : [parsed];
  });
  return folder.evolveAll ? folder.evolveAll(state, events) : events.reduce((s, e) => folder.evolve(s, e), state);
}

/** Streams whose folds one process keeps; past it, the memory starts again (every read still reaches the store). */
const MAX_STREAMS = 50_000;
const foldsByStore = new WeakMap<EventStore, Map<string, CaughtUp<unknown>>>();

export interface CaughtUp<State> {
  state: State;
  version: number | null;
}

function keptFoldsOf(store: EventStore): Map<string, CaughtUp<unknown>> {
  let folds = foldsByStore.get(store);
  if (!folds) foldsByStore.set(store, (folds = new Map()));
  return folds;
}

/** One stream of `caughtUpFolds`: its fold, and where the fold starts when nothing of it is kept yet. */
export interface FoldAsked<Event, State> {
  stream: string;
  folder: StreamFolder<Event, State>;
  /** Given the folds asked before this one in the same call (their states, in order): its start when nothing is kept. */
  initialState?: (before: readonly CaughtUp<unknown>[]) => State;
}

/**
 * Many streams folded as of now in ONE store round trip (`readStreams`): each from the fold kept in
 * memory, caught up with the events after its version. Asks are folded in order, so a fold whose start
 * depends on another stream (an unwritten primary calendar starts from its owner's account) can ask
 * for that stream first in the same call.
 */
export async function caughtUpFolds(store: EventStore, asks: readonly FoldAsked<unknown, unknown>[]): Promise<CaughtUp<unknown>[]> {
  const folds = keptFoldsOf(store);
  const known = asks.map((ask) => folds.get(ask.stream));
  const read = await store.readStreams(asks.map((ask, i) => {
    const version = known[i]?.version;
    return version == null ? { streamName: ask.stream } : { streamName: ask.stream, afterVersion: version };
  }));
  const results: CaughtUp<unknown>[] = [];
  asks.forEach((ask, i) => {
    const kept = known[i];
    const { events, currentVersion } = read[i]!;
    const start = kept && kept.version != null ? kept.state : ask.initialState ? ask.initialState(results) : ask.folder.initialState();
    const caughtUp = { state: foldStored(ask.folder, start, events), version: currentVersion };
    if (currentVersion !== null) {
      if (folds.size >= MAX_STREAMS && !folds.has(ask.stream)) folds.clear();
      folds.set(ask.stream, caughtUp);
    }
    results.push(caughtUp);
  });
  return results;
}

/**
 * A stream folded as of now, from a fold kept in memory and caught up on every call: each call asks the
 * store for the events after the version it holds (one indexed read that usually returns nothing), so
 * the answer is never older than the store, however long the stream (a calendar shared with 10,000
 * people has 10,000 grants). What the store says is final; the memory only saves re-reading.
 */
export async function caughtUpFold<Event, State>(
  store: EventStore,
  stream: string,
  folder: StreamFolder<Event, State>,
  /** Where the fold starts when nothing of the stream is kept yet, when that needs a read of its own (asked only then). */
  initialState: () => State | Promise<State> = () => folder.initialState(),
): Promise<CaughtUp<State>> {
  const folds = keptFoldsOf(store);
  const known = folds.get(stream) as CaughtUp<State> | undefined;
  const { events, currentVersion } = known?.version == null ? await store.readStream(stream) : await store.readStream(stream, known.version);
  const state = foldStored(folder, known && known.version != null ? known.state : await initialState(), events);
  const caughtUp = { state, version: currentVersion };
  if (currentVersion !== null) {
    if (folds.size >= MAX_STREAMS && !folds.has(stream)) folds.clear();
    folds.set(stream, caughtUp);
  }
  return caughtUp;
}
