import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { eventSourceFor } from '../../runtime/eventSourceFor';
import { openEventStore } from '../../runtime/openEventStore';
import { START_OF_LOG, type LogPosition, type RecordedEvent } from '../../events/recordedEvent';
import { pollUntil } from '../../testing/pollUntil';
import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { eventStoreContract, newEvent } from './eventStore.contract';
import { type EventStore, WrongExpectedVersionError } from './eventStore';
import { isShardedEventStore, type ShardedEventStore, shardedEventStore, shardOfStream } from './shardedEventStore';

// Two real databases on the test server. PostgreSQL transaction ids are cluster-wide, so here a transaction
// held open on one shard also holds back the other's log: the contract's late-commit case therefore holds as
// on one database. On separate servers its first assertion (the other shard's later event stays invisible
// while the transaction is open) would not, and need not: shards share no order, and what the case is
// for, that no reader ever skips the late event, holds per shard all the same.
let shardDatabases: TestDatabase[];
beforeAll(async () => {
  shardDatabases = [await createTestDatabase(), await createTestDatabase()];
});
afterAll(async () => {
  await Promise.all(shardDatabases.map((d) => d.drop()));
});

const open = new Map<EventStore, SqlDatabase[]>();
async function openStore(urls = shardDatabases.map((d) => d.url)): Promise<ShardedEventStore> {
  const pools = urls.map((url) => pgSqlDatabase({ connectionString: url, max: 5 }));
  try {
    const store = await shardedEventStore(pools);
    open.set(store, pools);
    return store;
  } catch (error) {
    await Promise.all(pools.map((p) => p.close()));
    throw error;
  }
}
async function closeStore(store: EventStore): Promise<void> {
  await Promise.all((open.get(store) ?? []).map((p) => p.close()));
  open.delete(store);
}
async function onShard<T>(shard: number, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: shardDatabases[shard]?.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
/** A fresh stream name that lands on `shard` of two. */
function streamOn(shard: number): string {
  for (;;) {
    const name = `Test-${randomUUID()}`;
    if (shardOfStream(name, 2) === shard) return name;
  }
}
const streamsIn = async (shard: number, names: string[]) =>
  (await onShard(shard, (c) => c.query<{ stream_name: string }>('select distinct stream_name from es_events where stream_name = any($1)', [names]))).rows.map((r) => r.stream_name).sort();

eventStoreContract('shardedEventStore over two PostgreSQL databases', {
  create: () => openStore(),
  dispose: closeStore,
  async beginUncommittedAppend(streamName, event) {
    const client = new Client({ connectionString: shardDatabases[shardOfStream(streamName, 2)]?.url });
    await client.connect();
    await client.query('begin');
    await client.query(
      `insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata) values ($1, 1, $2, $3, $4, $5)`,
      [streamName, event.eventID, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
    );
    return {
      async commit() {
        await client.query('commit');
        await client.end();
      },
    };
  },
});

describe('shardedEventStore', () => {
  let store: ShardedEventStore;
  beforeAll(async () => {
    store = await openStore();
  });
  afterAll(async () => {
    await closeStore(store);
  });

  it('keeps each stream wholly in the shard its name hashes to, and uses both', async () => {
    const names = Array.from({ length: 24 }, () => `Test-${randomUUID()}`);
    for (const name of names) {
      await store.appendToStream(name, [newEvent()], 'no_stream');
      await store.appendToStream(name, [newEvent()], store.firstVersion);
    }
    const [first, second] = [await streamsIn(0, names), await streamsIn(1, names)];
    expect(first).toEqual(names.filter((n) => store.shardOf(n) === 0).sort());
    expect(second).toEqual(names.filter((n) => store.shardOf(n) === 1).sort());
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
  });

  it('gives a reader that checkpoints its last position every event once, in stream order, while both shards take appends', async () => {
    const start = await lastPosition(store);
    const names = [streamOn(0), streamOn(0), streamOn(1), streamOn(1)];
    const writes = names.map(async (name) => {
      for (let i = 0; i < 15; i++) await store.appendToStream(name, [newEvent('N', { i })], i === 0 ? 'no_stream' : store.firstVersion + i - 1);
    });
    const seen: RecordedEvent[] = [];
    let checkpoint = start;
    const readPage = async () => {
      const page = await store.readAll(checkpoint, 3);
      seen.push(...page.filter((e) => names.includes(e.streamName)));
      checkpoint = page.at(-1)?.logPosition ?? checkpoint;
      return page.length;
    };
    let writing = true;
    const done = Promise.all(writes).finally(() => {
      writing = false;
    });
    while (writing) await readPage();
    await done;
    await pollUntil(async () => (await readPage()) === 0 && seen.length >= names.length * 15, { timeoutMs: 10_000, pollMs: 10, what: () => `every event read (${seen.length} so far)` });
    expect(new Set(seen.map((e) => e.eventID)).size).toBe(seen.length);
    for (const name of names) expect(seen.filter((e) => e.streamName === name).map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('reads many streams of both shards in one call, in the order asked', async () => {
    const [a, b, c] = [streamOn(1), streamOn(0), streamOn(1)];
    await store.appendToStream(a, [newEvent('A1'), newEvent('A2')], 'no_stream');
    await store.appendToStream(b, [newEvent('B1')], 'no_stream');
    const reads = await store.readStreams([{ streamName: a, afterVersion: store.firstVersion }, { streamName: c }, { streamName: b }]);
    expect(reads.map((r) => [r.events.map((e) => e.type), r.currentVersion])).toEqual([[['A2'], store.firstVersion + 1], [[], null], [['B1'], store.firstVersion]]);
  });

  it('starts none of the new streams of a call spanning shards when one is taken, on either shard', async () => {
    for (const takenShard of [0, 1]) {
      const taken = streamOn(takenShard);
      const fresh = [streamOn(0), streamOn(1)];
      await store.appendToStream(taken, [newEvent()], 'no_stream');
      await expect(store.appendNewStreams([...fresh, taken].map((streamName) => ({ streamName, events: [newEvent()] })))).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect([...(await streamsIn(0, fresh)), ...(await streamsIn(1, fresh))]).toEqual([]);
    }
  });

  describe('when a shard fails at its commit (a deferred constraint refuses the stream there)', () => {
    const refuseAtCommit = (shard: number, streamName: string) =>
      onShard(shard, (c) => c.query(`
        create or replace function refuse_at_commit() returns trigger language plpgsql as $$
        begin if new.stream_name = '${streamName}' then raise exception 'refused at commit' using errcode = '40001'; end if; return new; end $$;
        create constraint trigger refuse_at_commit after insert on es_events deferrable initially deferred for each row execute function refuse_at_commit();`));
    const allowCommits = (shard: number) => onShard(shard, (c) => c.query('drop trigger refuse_at_commit on es_events; drop function refuse_at_commit();'));

    it('starts none when the last shard, which commits first, fails', async () => {
      const [early, late] = [streamOn(0), streamOn(1)];
      await refuseAtCommit(1, late);
      try {
        await expect(store.appendNewStreams([{ streamName: late, events: [newEvent()] }, { streamName: early, events: [newEvent()] }])).rejects.toThrow('refused at commit');
      } finally {
        await allowCommits(1);
      }
      expect([...(await streamsIn(0, [early, late])), ...(await streamsIn(1, [early, late]))]).toEqual([]);
    });

    it('starts the later shard’s streams only when an earlier shard fails after they committed (the documented gap), and a retry of the rest completes it', async () => {
      const [early, late] = [streamOn(0), streamOn(1)];
      await refuseAtCommit(0, early);
      try {
        await expect(store.appendNewStreams([{ streamName: early, events: [newEvent()] }, { streamName: late, events: [newEvent()] }])).rejects.toThrow('refused at commit');
      } finally {
        await allowCommits(0);
      }
      expect([await streamsIn(0, [early]), await streamsIn(1, [late])]).toEqual([[], [late]]);
      // What the import does on a retry: the call finds a stream taken, and each command is then run on its own.
      await expect(store.appendNewStreams([{ streamName: early, events: [newEvent()] }, { streamName: late, events: [newEvent()] }])).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await store.appendToStream(early, [newEvent()], 'no_stream');
      expect((await store.readStream(early)).currentVersion).toBe(store.firstVersion);
    });
  });

  it('refuses shards given in another order or number than they were created with', async () => {
    const [first, second] = shardDatabases.map((d) => d.url) as [string, string];
    await expect(openStore([second, first])).rejects.toThrow(/recorded as shard 2 of 2/);
    await expect(openStore([first])).rejects.toThrow(/shard 1 of 1 is recorded as shard 1 of 2/);
  });
});

describe('a sharded event store from the configuration (EVENT_STORE_URLS)', () => {
  it('is opened over the databases listed, and the tailing event source refuses it: its checkpoint holds one shard’s position', async () => {
    const readModel = pgSqlDatabase({ connectionString: shardDatabases[0]?.url, max: 1 });
    const { store, close } = await openEventStore({ EVENT_STORE: 'postgres', EVENT_STORE_URLS: shardDatabases.map((d) => d.url) }, readModel);
    try {
      expect(isShardedEventStore(store)).toBe(true);
      await expect(eventSourceFor({ KAFKA_TOPIC: 'unused' }, store, readModel, pino({ level: 'silent' }))).rejects.toThrow(/EVENT_STORE_URLS.*KAFKA_BROKERS/);
      await expect(openEventStore({ EVENT_STORE: 'kurrent', EVENTSTORE_URL: 'esdb://127.0.0.1:1', EVENT_STORE_URLS: shardDatabases.map((d) => d.url) }, readModel)).rejects.toThrow(/EVENT_STORE_URLS/);
    } finally {
      await close();
      await readModel.close();
    }
  });
});

async function lastPosition(store: EventStore): Promise<LogPosition> {
  let position = START_OF_LOG;
  for (let page = await store.readAll(position, 500); page.length > 0; page = await store.readAll(position, 500)) position = page.at(-1)?.logPosition ?? position;
  return position;
}
