import { newEvent } from '../ports/eventStore/eventStore.contract';
import type { EventStore } from '../ports/eventStore/eventStore';
import { inMemoryEventStore } from '../ports/eventStore/inMemoryEventStore';
import { countingReads } from '../testing/countingReads';
import { caughtUpFold, caughtUpFolds, type StreamFolder } from './caughtUpFolds';

/** Counts the events folded: a caught-up fold folds each event once, however often it is read. */
const counting = () => {
  let folded = 0;
  const folder: StreamFolder<{ n: number }, number[]> = {
    initialState: () => [],
    evolve: (state, event) => { folded++; return [...state, event.n]; },
    parse: (stored) => stored.data as { n: number },
  };
  return { folder, folded: () => folded };
};

describe('caughtUpFold', () => {
  let store: EventStore;
  beforeEach(() => {
    store = inMemoryEventStore();
  });

  it('answers what the store holds now, reading only what it has not folded yet', async () => {
    const { folder, folded } = counting();
    expect(await caughtUpFold(store, 'S-1', folder)).toEqual({ state: [], version: null });
    const first = await store.appendToStream('S-1', [newEvent('E', { n: 1 }), newEvent('E', { n: 2 })], 'no_stream');
    expect(await caughtUpFold(store, 'S-1', folder)).toEqual({ state: [1, 2], version: first.nextExpectedVersion });
    expect(await caughtUpFold(store, 'S-1', folder)).toEqual({ state: [1, 2], version: first.nextExpectedVersion });
    await store.appendToStream('S-1', [newEvent('E', { n: 3 })], first.nextExpectedVersion);
    expect((await caughtUpFold(store, 'S-1', folder)).state).toEqual([1, 2, 3]);
    expect(folded()).toBe(3);
  });

  it('keeps one store’s folds apart from another’s', async () => {
    const other = inMemoryEventStore();
    await store.appendToStream('S-2', [newEvent('E', { n: 1 })], 'no_stream');
    await other.appendToStream('S-2', [newEvent('E', { n: 9 })], 'no_stream');
    const { folder } = counting();
    expect((await caughtUpFold(store, 'S-2', folder)).state).toEqual([1]);
    expect((await caughtUpFold(other, 'S-2', folder)).state).toEqual([9]);
  });
});

describe('caughtUpFolds', () => {
  it('folds many streams as caughtUpFold does, in one store read, each start able to use the folds asked before it', async () => {
    const storeReads = countingReads(inMemoryEventStore());
    const { store } = storeReads;
    const { folder, folded } = counting();
    await store.appendToStream('A-1', [newEvent('E', { n: 1 }), newEvent('E', { n: 2 })], 'no_stream');
    await store.appendToStream('B-1', [newEvent('E', { n: 5 })], 'no_stream');
    const asks = [
      { stream: 'A-1', folder },
      // Unwritten: starts from what the fold before it holds.
      { stream: 'C-1', folder, initialState: (before: readonly { state: unknown }[]) => [...(before[0]!.state as number[]), 100] },
      { stream: 'B-1', folder },
    ];
    expect(await caughtUpFolds(store, asks)).toEqual([{ state: [1, 2], version: 2 }, { state: [1, 2, 100], version: null }, { state: [5], version: 1 }]);
    expect(storeReads.reads()).toBe(1);
    await store.appendToStream('B-1', [newEvent('E', { n: 6 })], 1);
    expect((await caughtUpFolds(store, asks)).map((f) => f.state)).toEqual([[1, 2], [1, 2, 100], [5, 6]]);
    expect(storeReads.reads()).toBe(2);
    // The same kept folds as caughtUpFold's: nothing folded twice.
    expect((await caughtUpFold(store, 'B-1', folder)).state).toEqual([5, 6]);
    expect(folded()).toBe(4);
  });
});
