import { randomUUID } from 'node:crypto';
import { compareLogPositions, START_OF_LOG, type LogPosition, type RecordedEvent } from '../../events/recordedEvent';
import { type EventStore, type EventToAppend, WrongExpectedVersionError } from './eventStore';
import { pollUntil } from '../../testing/pollUntil';

export interface EventStoreContractOptions {
  /** Builds a store on an empty backend. */
  create(): Promise<EventStore>;
  /** Releases what `create` made. */
  dispose(store: EventStore): Promise<void>;
  /**
   * Where the backend lets a transaction commit after a later one (PostgreSQL with several
   * connections): starts an append of one event and holds its transaction open until `commit`.
   */
  beginUncommittedAppend?(streamName: string, event: EventToAppend): Promise<{ commit(): Promise<void> }>;
}

export function newEvent(type = 'SomethingHappened', data: unknown = { n: 1 }): EventToAppend {
  return {
    eventID: randomUUID(),
    type,
    data,
    metadata: { actorID: randomUUID(), occurredAt: new Date().toISOString(), correlationId: randomUUID(), schemaVersion: 1 },
  };
}

async function readEverything(store: EventStore, after: LogPosition = START_OF_LOG): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const page = await store.readAll(position, 2);
    if (page.length === 0) return all;
    all.push(...page);
    const last = page[page.length - 1];
    if (last) position = last.logPosition;
  }
}

/**
 * Reads the log after `after` until `count` events are visible. Visibility may lag: a transaction
 * running anywhere on the server (PostgreSQL xids are cluster-wide) holds back what readers may see.
 */
async function readAtLeast(store: EventStore, after: LogPosition, count: number, streams: string[]): Promise<RecordedEvent[]> {
  let seen: RecordedEvent[] = [];
  await pollUntil(async () => (seen = (await readEverything(store, after)).filter((e) => streams.includes(e.streamName))).length >= count, {
    timeoutMs: 5000, what: () => `${count} events becoming visible (${seen.length} are)`,
  });
  return seen;
}

/** The one contract every EventStore adapter must meet. */
export function eventStoreContract(name: string, options: EventStoreContractOptions): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const stream = () => `Test-${randomUUID()}`;

    beforeEach(async () => {
      store = await options.create();
    });
    afterEach(async () => {
      await options.dispose(store);
    });

    it('appends to a new stream and reads it back in order with data and metadata', async () => {
      const s = stream();
      const events = [newEvent('A', { x: 1 }), newEvent('B', { nested: { y: [1, 2] } })];
      const result = await store.appendToStream(s, events, 'no_stream');
      expect(result.nextExpectedVersion).toBe(store.firstVersion + 1);
      const read = await store.readStream(s);
      expect(read.currentVersion).toBe(store.firstVersion + 1);
      expect(read.events.map((e) => [e.type, e.streamVersion, e.data, e.eventID])).toEqual([
        ['A', store.firstVersion, { x: 1 }, events[0]?.eventID],
        ['B', store.firstVersion + 1, { nested: { y: [1, 2] } }, events[1]?.eventID],
      ]);
      expect(read.events[0]?.metadata).toEqual(events[0]?.metadata);
      expect(read.events[1]?.logPosition).toEqual(result.logPosition);
    });

    it('keeps numeric order past ten events, in the stream and in the log', async () => {
      const s = stream();
      const start = (await readEverything(store)).at(-1)?.logPosition ?? START_OF_LOG;
      for (let i = 0; i < 12; i++) await store.appendToStream(s, [newEvent('N', { i })], i === 0 ? 'no_stream' : store.firstVersion + i - 1);
      const read = await store.readStream(s);
      expect(read.events.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const log = await readAtLeast(store, start, 12, [s]);
      expect(log.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('reads a missing stream as empty with no version', async () => {
      expect(await store.readStream(stream())).toEqual({ events: [], currentVersion: null });
    });

    it('reads only the events after a version read before, keeping that version when none follow', async () => {
      const s = stream();
      await store.appendToStream(s, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
      const after = store.firstVersion;
      const read = await store.readStream(s, after);
      expect(read.events.map((e) => [e.type, e.streamVersion])).toEqual([['B', after + 1], ['C', after + 2]]);
      expect(read.currentVersion).toBe(after + 2);
      expect(await store.readStream(s, after + 2)).toEqual({ events: [], currentVersion: after + 2 });
    });

    it('reads many streams in one call, each as readStream would, in the order asked', async () => {
      const [a, b, missing] = [stream(), stream(), stream()];
      await store.appendToStream(a, [newEvent('A1'), newEvent('A2'), newEvent('A3')], 'no_stream');
      await store.appendToStream(b, [newEvent('B1')], 'no_stream');
      const reads = [
        { streamName: b },
        { streamName: a, afterVersion: store.firstVersion },
        { streamName: missing },
        { streamName: missing, afterVersion: 7 },
        { streamName: a, afterVersion: store.firstVersion + 2 },
        { streamName: a },
      ];
      const read = await store.readStreams(reads);
      expect(read).toEqual(await Promise.all(reads.map((r) => store.readStream(r.streamName, r.afterVersion))));
      expect(read.map((r) => [r.events.map((e) => e.type), r.currentVersion])).toEqual([
        [['B1'], store.firstVersion],
        [['A2', 'A3'], store.firstVersion + 2],
        [[], null],
        [[], 7],
        [[], store.firstVersion + 2],
        [['A1', 'A2', 'A3'], store.firstVersion + 2],
      ]);
      expect(await store.readStreams([])).toEqual([]);
    });

    it('continues a stream from its expected version', async () => {
      const s = stream();
      const first = await store.appendToStream(s, [newEvent()], 'no_stream');
      const second = await store.appendToStream(s, [newEvent(), newEvent()], first.nextExpectedVersion);
      expect(second.nextExpectedVersion).toBe(store.firstVersion + 2);
      expect(compareLogPositions(second.logPosition, first.logPosition)).toBe(1);
    });

    it('rejects a wrong expected version and appends nothing', async () => {
      const s = stream();
      await store.appendToStream(s, [newEvent()], 'no_stream');
      await expect(store.appendToStream(s, [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.appendToStream(s, [newEvent()], store.firstVersion + 5)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.appendToStream(stream(), [newEvent()], store.firstVersion)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(s)).events).toHaveLength(1);
    });

    it('appends with "any" whatever the version', async () => {
      const s = stream();
      await store.appendToStream(s, [newEvent()], 'any');
      await store.appendToStream(s, [newEvent()], 'any');
      expect((await store.readStream(s)).currentVersion).toBe(store.firstVersion + 1);
    });

    it('lets exactly one of many concurrent appends with the same expected version win, whole batches only', async () => {
      const s = stream();
      await store.appendToStream(s, [newEvent()], 'no_stream');
      const attempts = Array.from({ length: 8 }, (_, i) =>
        store.appendToStream(s, [newEvent('Batch', { i }), newEvent('Batch', { i }), newEvent('Batch', { i })], store.firstVersion),
      );
      const results = await Promise.allSettled(attempts);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
      const read = await store.readStream(s);
      expect(read.events).toHaveLength(4);
      const winners = new Set(read.events.slice(1).map((e) => (e.data as { i: number }).i));
      expect(winners.size).toBe(1);
    });

    it('appends a batch atomically: an event that cannot be stored leaves the stream untouched', async () => {
      const s = stream();
      await store.appendToStream(s, [newEvent()], 'no_stream');
      const unstorable = { ...newEvent(), data: { bad: 1n } };
      await expect(store.appendToStream(s, [newEvent(), unstorable], store.firstVersion)).rejects.toThrow();
      expect((await store.readStream(s)).events).toHaveLength(1);
    });

    it('starts many new streams in one call, each from its first version, in the order given', async () => {
      const [a, b] = [stream(), stream()];
      const results = await store.appendNewStreams([{ streamName: a, events: [newEvent('A1'), newEvent('A2')] }, { streamName: b, events: [newEvent('B1')] }]);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([store.firstVersion + 1, store.firstVersion]);
      expect((await store.readStream(a)).events.map((e) => [e.type, e.streamVersion])).toEqual([['A1', store.firstVersion], ['A2', store.firstVersion + 1]]);
      expect((await store.readStream(b)).events.map((e) => e.type)).toEqual(['B1']);
      await store.appendToStream(b, [newEvent('B2')], results[1]!.nextExpectedVersion);
    });

    it('starts none of the new streams when one of them exists, or when an event cannot be stored', async () => {
      const [taken, fresh] = [stream(), stream()];
      await store.appendToStream(taken, [newEvent()], 'no_stream');
      await expect(store.appendNewStreams([{ streamName: fresh, events: [newEvent()] }, { streamName: taken, events: [newEvent()] }])).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.appendNewStreams([{ streamName: fresh, events: [newEvent()] }, { streamName: fresh, events: [newEvent()] }])).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.appendNewStreams([{ streamName: fresh, events: [newEvent()] }, { streamName: stream(), events: [{ ...newEvent(), data: { bad: 1n } }] }])).rejects.toThrow();
      expect(await store.readStream(fresh)).toEqual({ events: [], currentVersion: null });
      expect((await store.readStream(taken)).events).toHaveLength(1);
    });

    it('reads the global log in append order from any checkpoint, page by page', async () => {
      const before = await readEverything(store);
      const checkpoint = before[before.length - 1]?.logPosition ?? START_OF_LOG;
      const a = stream();
      const b = stream();
      await store.appendToStream(a, [newEvent('A1')], 'no_stream');
      await store.appendToStream(b, [newEvent('B1'), newEvent('B2')], 'no_stream');
      await store.appendToStream(a, [newEvent('A2')], store.firstVersion);
      const after = await readAtLeast(store, checkpoint, 4, [a, b]);
      expect(after.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
      for (let i = 1; i < after.length; i++) {
        const [prev, next] = [after[i - 1], after[i]];
        if (prev && next) expect(compareLogPositions(prev.logPosition, next.logPosition)).toBe(-1);
      }
      const third = after[2];
      if (!third) throw new Error('expected four events');
      expect((await readAtLeast(store, third.logPosition, 1, [a, b])).map((e) => e.type)).toEqual(['A2']);
    });

    it('wakes in-process listeners after an append commits', async () => {
      let woken = 0;
      const stop = store.onAppended(() => woken++);
      await store.appendToStream(stream(), [newEvent()], 'no_stream');
      stop();
      await store.appendToStream(stream(), [newEvent()], 'no_stream');
      expect(woken).toBe(1);
    });

    const lateCommit = options.beginUncommittedAppend;
    (lateCommit ? it : it.skip)('never skips an event whose transaction commits after a later one', async () => {
      if (!lateCommit) return;
      const start = (await readEverything(store)).at(-1)?.logPosition ?? START_OF_LOG;
      const [late, early] = [stream(), stream()];
      const pending = await lateCommit(late, newEvent('Late'));
      await store.appendToStream(early, [newEvent('Early')], 'no_stream');
      // While the first transaction is open, the later commit must stay invisible to log readers.
      const seen = await readEverything(store, start);
      expect(seen.filter((e) => e.streamName === late || e.streamName === early)).toEqual([]);
      await pending.commit();
      // A reader that checkpointed whatever it saw meanwhile still gets both, the late one first.
      const checkpoint = seen.at(-1)?.logPosition ?? start;
      expect((await readAtLeast(store, checkpoint, 2, [late, early])).map((e) => e.type)).toEqual(['Late', 'Early']);
    });
  });
}
