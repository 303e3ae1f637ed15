import {
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  KurrentDBClient,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { START_OF_LOG } from '../../events/recordedEvent';
import { eventStoreContract, newEvent } from './eventStore.contract';
import { connectKurrentEventStore, isSystemEvent, kurrentEventStore, toLogPosition, toReadPosition, toStreamState } from './kurrentEventStore';

describe('kurrentEventStore mapping (no server needed)', () => {
  it('maps $all positions onto log positions and back: commit → transactionId, prepare → position', () => {
    const logPosition = toLogPosition({ commit: 9_007_199_254_740_993n, prepare: 42n });
    expect(logPosition).toEqual({ transactionId: 9_007_199_254_740_993n, position: 42n });
    expect(toReadPosition(logPosition)).toEqual({ commit: 9_007_199_254_740_993n, prepare: 42n });
  });

  it('reads from the start of $all for START_OF_LOG', () => {
    expect(toReadPosition(START_OF_LOG)).toBe(START);
    expect(toReadPosition({ transactionId: 0n, position: 5n })).toEqual({ commit: 0n, prepare: 5n });
  });

  it('refuses a missing position or the 2^64-1 placeholder of servers that report none', () => {
    expect(() => toLogPosition(undefined)).toThrow(/no log position/);
    expect(() => toLogPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toThrow(/no log position/);
    expect(() => toLogPosition({ commit: -1n, prepare: -1n })).toThrow(/no log position/);
  });

  it('maps expected versions onto stream states', () => {
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(12)).toBe(12n);
    expect(() => toStreamState(-1)).toThrow(RangeError);
    expect(() => toStreamState(1.5)).toThrow(RangeError);
  });

  it('recognises system events by type or stream', () => {
    expect(isSystemEvent('$stats-127.0.0.1:2113', '$statsCollected')).toBe(true);
    expect(isSystemEvent('$$Calendar-1', '$metadata')).toBe(true);
    expect(isSystemEvent('$ce-Calendar', 'CalendarCreated')).toBe(true);
    expect(isSystemEvent('Calendar-1', '$>')).toBe(true);
    expect(isSystemEvent('Calendar-1', 'CalendarCreated')).toBe(false);
  });
});

interface FakeRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: Position;
}

/**
 * Just enough of the client to run the adapter's own logic (version, error and position mapping,
 * paging, exclusive checkpoints, system-event filtering) through the contract without a server. It
 * mimics what the server is documented to do; it proves nothing about the server itself.
 */
function fakeClient() {
  const log: FakeRecord[] = [];
  let next = 0n;
  const write = (streamId: string, revision: bigint, type: string, data: unknown, metadata: unknown, id: string = crypto.randomUUID()) => {
    log.push({ streamId, id, revision, type, data, metadata, isJson: true, created: new Date(), position: { commit: next, prepare: next } });
    next += 137n;
  };
  const streamEnd = (streamId: string) => log.filter((r) => r.streamId === streamId).at(-1)?.revision ?? null;
  // What a real server has in $all before any user event: its own records and a non-$ type in a $ stream.
  write('$stats-127.0.0.1:2113', 0n, '$statsCollected', {}, {});
  write('$projections-$all', 0n, 'ProjectionsInitialized', {}, {});
  const calls = { append: 0 };

  const client = {
    async appendToStream(streamName: string, events: EventData | EventData[], options: AppendToStreamOptions = {}): Promise<AppendResult> {
      calls.append++;
      const batch = Array.isArray(events) ? events : [events];
      const serialized = batch.map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(e.metadata)) }));
      const actual = streamEnd(streamName);
      const state = options.streamState ?? 'any';
      const ok = state === 'any' || (state === 'no_stream' ? actual === null : state === 'stream_exists' ? actual !== null : actual === state);
      if (!ok) {
        throw WrongExpectedVersionError.fromRevisionConflict({
          stream: streamName,
          expectedRevision: typeof state === 'bigint' ? state.toString() : state === 'no_stream' ? '-1' : '-4',
          actualRevision: actual === null ? '-1' : actual.toString(),
        });
      }
      let revision = actual ?? -1n;
      for (const e of serialized) write(streamName, ++revision, e.type, e.data, e.metadata, e.id);
      const position = log.at(-1)?.position;
      // The server's own records land between appends.
      write('$stats-127.0.0.1:2113', 0n, '$statsCollected', {}, {});
      return { success: true, nextExpectedRevision: revision, position };
    },
    /** KurrentDB 25.1's multi-stream append: every request's expected state checked, then all written, or none. */
    async multiStreamAppend(requests: { streamName: string; events: EventData[]; expectedState: unknown }[]) {
      const serialized = requests.map((r) => ({ ...r, events: r.events.map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(e.metadata)) })) }));
      const names = new Set<string>();
      for (const { streamName, expectedState } of requests) {
        const actual = streamEnd(streamName);
        if (expectedState !== 'no_stream' || actual !== null || names.has(streamName)) {
          throw WrongExpectedVersionError.fromRevisionConflict({ stream: streamName, expectedRevision: '-1', actualRevision: actual === null ? '-1' : actual.toString() });
        }
        names.add(streamName);
      }
      const responses = serialized.map(({ streamName, events }) => {
        let revision = -1n;
        for (const e of events) write(streamName, ++revision, e.type, e.data, e.metadata, e.id);
        return { streamName, revision };
      });
      return { position: log.at(-1)!.position.commit, responses };
    },
    async *readStream(streamName: string, options: ReadStreamOptions = {}) {
      const records = log.filter((r) => r.streamId === streamName);
      if (records.length === 0) throw new StreamNotFoundError(Object.assign(new Error(`${streamName} not found`), { code: 5, details: '', metadata: undefined as never }), streamName);
      const from = typeof options.fromRevision === 'bigint' ? options.fromRevision : 0n;
      const selected = records.filter((r) => r.revision >= from).slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
      for (const event of selected) yield { event, commitPosition: event.position.commit };
    },
    async *readAll(options: ReadAllOptions = {}) {
      const from = typeof options.fromPosition === 'object' ? options.fromPosition.commit : 0n;
      const filter = options.filter && 'regex' in options.filter ? new RegExp(options.filter.regex) : undefined;
      const selected = log
        .filter((r) => r.position.commit >= from && (!filter || filter.test(r.type)))
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
      for (const event of selected) yield { event, commitPosition: event.position.commit };
    },
  };
  return { client: client as unknown as KurrentDBClient, calls };
}

describe('kurrentEventStore on an in-memory fake of the client (the adapter logic, not the server)', () => {
  eventStoreContract('kurrentEventStore on a fake client', {
    create: async () => kurrentEventStore(fakeClient().client),
    dispose: async () => undefined,
  });

  it('reports the actual version of a conflicting stream', async () => {
    const store = kurrentEventStore(fakeClient().client);
    await store.appendToStream('Test-1', [newEvent(), newEvent()], 'no_stream');
    await expect(store.appendToStream('Test-1', [newEvent()], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
    await expect(store.appendToStream('Test-2', [newEvent()], 3)).rejects.toMatchObject({ expected: 3, actual: null });
  });

  it('refuses unstorable data before it reaches the client', async () => {
    const { client, calls } = fakeClient();
    const store = kurrentEventStore(client);
    await expect(store.appendToStream('Test-1', [newEvent(), { ...newEvent(), data: { bad: 1n } }], 'any')).rejects.toThrow(TypeError);
    expect(calls.append).toBe(0);
  });

  it('keeps system events out of the log', async () => {
    const store = kurrentEventStore(fakeClient().client);
    await store.appendToStream('Test-1', [newEvent('A')], 'no_stream');
    expect((await store.readAll(START_OF_LOG, 10)).map((e) => [e.streamName, e.type])).toEqual([['Test-1', 'A']]);
  });
});

const url = process.env.EVENTSTORE_URL;
(url ? describe : describe.skip)('KurrentDB contract (set EVENTSTORE_URL to run; no server on these machines)', () => {
  // One connection serves every case: each uses fresh stream names, and $all is read from a checkpoint.
  let connection: ReturnType<typeof connectKurrentEventStore>;
  beforeAll(() => {
    connection = connectKurrentEventStore(url ?? '');
  });
  afterAll(async () => {
    await connection.close();
  });

  eventStoreContract('kurrentEventStore', {
    create: async () => connection.store,
    dispose: async () => undefined,
  });
});
