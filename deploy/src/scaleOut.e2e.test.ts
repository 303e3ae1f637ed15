import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { calendarViewsProjector, replayReadModel } from '@datebook/projector';
import { calendarViewChecksum, type EventStore, inMemoryCalendarViews, type SqlDatabase, shardOfStream } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { calendarViewsRedisCluster, redisCalendarViews } from '@datebook/shared-kernel/ports/redis';
import { openEventStore } from '@datebook/shared-kernel/runtime';
import { createTestDatabase, localKafkaBroker, localRedisCluster, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import { START_OF_LOG } from '@datebook/shared-kernel';
import type { Cluster } from 'ioredis';
import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { type ProductionStack, startProductionStack } from './stack/productionStack';
import { linkTokenMailedTo } from './testing/accountMail';

// The scale-out profile (`npm run stack -- --replicas 2`) on components of this test's own: a broker (consumer
// group names are fixed, so a shared broker would mix this stack's groups with any other's), a Redis Cluster of
// three masters on ports of its own, and three databases (the read model, two event-store shards).
const root = resolve(__dirname, '../..');
const broker = localKafkaBroker({ repoRoot: root, port: 19098, dir: join(root, '.kafka/e2e-scaleout-broker') });
const port = 5000 + (process.pid % 40) * 25;
const clusterBase = 17200 + (process.pid % 100) * 3;
const dataDir = mkdtempSync(join(tmpdir(), 'datebook-scaleout-'));
const redisCluster = localRedisCluster({ repoRoot: root, ports: [clusterBase, clusterBase + 1, clusterBase + 2], dir: join(dataDir, 'redis-cluster') });
const mailDir = join(dataDir, 'mail');
const PASSWORD = 'a good password';

interface Person {
  name: string;
  email: string;
  userID: string;
  auth: { Authorization: string };
}

/** Each .eml file's Message-ID (the notifier's `<ledger id>.<event id>@datebook>`) and To. */
function mailedMessages(): { messageID: string; to: string; subject: string }[] {
  let names: string[];
  try {
    names = readdirSync(mailDir).filter((name) => name.endsWith('.eml'));
  } catch {
    return [];
  }
  return names.map((name) => {
    const text = readFileSync(join(mailDir, name), 'utf8');
    const header = (field: string) => new RegExp(`^${field}: *(.*)$`, 'im').exec(text)?.[1]?.trim() ?? '';
    return { messageID: header('Message-ID'), to: header('To'), subject: header('Subject') };
  });
}

describe('the scale-out profile: two of each service, the event store on two shards, views on a Redis Cluster', () => {
  let readModel: TestDatabase;
  let shards: TestDatabase[];
  let stack: ProductionStack;
  let host: Person;
  let ann: Person;
  let bob: Person;
  const http = () => request(stack.url);

  beforeAll(async () => {
    [readModel, shards] = await Promise.all([
      createTestDatabase(),
      Promise.all([createTestDatabase(), createTestDatabase()]),
      broker.start(),
      redisCluster.ensure(),
    ]);
    stack = await startProductionStack({
      port, databaseUrl: readModel.url, jwtSecret: randomBytes(32).toString('base64url'), kafkaBrokers: broker.brokers.join(','),
      kafkaTopic: `e2e-scaleout-${randomUUID()}`, kafkaPartitions: 8, redisUrl: 'redis://127.0.0.1:1', redisClusterNodes: redisCluster.nodes,
      eventStoreUrls: shards.map((s) => s.url), replicas: 2, logDir: join(root, 'data/e2e-logs/scale-out'), dataDir, logLevel: 'warn',
      provisionComponents: false, logger: pino({ level: 'silent' }),
    });
    const signUp = async (name: string): Promise<Person> => {
      const email = `${name}.${randomUUID()}@example.com`;
      expect((await http().post('/users').send({ userName: name, email, password: PASSWORD })).status).toBe(202);
      const link = await linkTokenMailedTo(mailDir, email, '/users/verify-email/', 60_000);
      expect((await http().post(`/users/verify-email/${link}`)).status).toBe(204);
      const session = await http().post('/sessions').send({ email, password: PASSWORD });
      return { name, email, userID: session.body.userID, auth: { Authorization: `Bearer ${session.body.token}` } };
    };
    [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await redisCluster.destroy().catch(() => undefined);
    await broker.stop();
    await Promise.all([readModel, ...(shards ?? [])].filter(Boolean).map((d) => d.drop()));
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  /** Reads a person's June 2030 with a consistency token until the views hold that write (bounded). */
  const juneOf = async (person: Person, token: string) => {
    const read = () => http().get('/events').set(person.auth).set('X-Consistency-Token', token).query({ from: '2030-06-01T00:00:00Z', to: '2030-07-01T00:00:00Z' });
    let res: Awaited<ReturnType<typeof read>> | undefined;
    await pollUntil(async () => (res = await read()).status === 200, { timeoutMs: 60_000, pollMs: 50, what: () => `${person.name}'s June catching up (last: ${res?.status})` });
    return (res?.body.events as { eventID: string; title: string; startTime: string }[]).map((e) => e.title).sort();
  };
  /** The event's e-mail ledger once nothing in it is pending any more. */
  const settledMail = async (eventID: string, count: number) => {
    let mail: { notificationID: string; recipient: string; kind: string; status: string }[] = [];
    await pollUntil(async () => {
      const res = await http().get(`/events/${eventID}/notifications`).set(host.auth);
      mail = (res.body.notifications ?? []).filter((n: { channel: string }) => n.channel === 'email');
      return mail.length === count && mail.every((n) => n.status !== 'pending');
    }, { timeoutMs: 60_000, pollMs: 100, what: () => `${count} e-mails of the event sent (ledger: ${JSON.stringify(mail.map((n) => [n.kind, n.status]))})` });
    return mail;
  };

  it('keeps each stream wholly in the shard its name hashes to', async () => {
    const streams = await Promise.all(shards.map(async (shard) => {
      const client = new Client({ connectionString: shard.url });
      await client.connect();
      try {
        return (await client.query<{ stream_name: string }>('select distinct stream_name from es_events')).rows.map((r) => r.stream_name);
      } finally {
        await client.end();
      }
    }));
    const [first, second] = streams as [string[], string[]];
    // Which shards hold something depends on the random ids: a handful of streams can all hash to one.
    expect(first.filter((name) => shardOfStream(name, 2) !== 0)).toEqual([]);
    expect(second.filter((name) => shardOfStream(name, 2) !== 1)).toEqual([]);
    expect([...first, ...second]).toEqual(expect.arrayContaining([`User-${host.userID}`, `User-${ann.userID}`, `User-${bob.userID}`]));
  });

  it('books, answers, changes and cancels through the gateway while replicas crash and come back, mailing each notification once', async () => {
    const booked = await http().post('/events').set(host.auth).send({
      title: 'Planning', startTime: '2030-06-05T09:00:00Z', endTime: '2030-06-05T10:00:00Z', invitedUserIDs: [ann.userID, bob.userID],
    });
    expect(booked.status).toBe(201);
    const eventID: string = booked.body.eventID;
    const retro = await http().post('/events').set(host.auth).send({ title: 'Retro', startTime: '2030-06-12T15:00:00Z', endTime: '2030-06-12T16:00:00Z', invitedUserIDs: [ann.userID] });
    expect(retro.status).toBe(201);
    // A token vouches for its own write only: the two events are two streams, which may sit in different shards
    // and partitions and so reach ann's view in either order. Wait for each.
    expect(await juneOf(ann, booked.body.consistencyToken)).toContain('Planning');
    expect(await juneOf(ann, retro.body.consistencyToken)).toEqual(['Planning', 'Retro']);
    await settledMail(eventID, 2);

    // A crash of the second process of each service, between requests: the gateway passes over the dead
    // replicas, and the consumer groups hand the dead members' partitions to the others.
    const second = (list: { kill(): Promise<void>; start(): Promise<void> }[]) => list[1] as (typeof list)[number];
    const crashed = [stack.replicas.commandApi, stack.replicas.queryApi, stack.replicas.projector, stack.replicas.notifier].map(second);
    await Promise.all(crashed.map((s) => s.kill()));
    const accepted = await http().patch(`/events/${eventID}/invitations`).set(ann.auth).send({ response: 'ACCEPT' });
    expect(accepted.status).toBe(200);
    const declined = await http().patch(`/events/${eventID}/invitations`).set(bob.auth).send({ response: 'DECLINE' });
    expect(declined.status).toBe(200);
    expect(await juneOf(bob, declined.body.consistencyToken)).toEqual([]);

    await Promise.all(crashed.map((s) => s.start()));
    const version = (await http().get(`/events/${eventID}`).set(host.auth)).body.version;
    const moved = await http().put(`/events/${eventID}`).set(host.auth).set('If-Match', `"${version}"`)
      .send({ title: 'Planning (moved)', startTime: '2030-06-06T13:00:00Z', endTime: '2030-06-06T14:00:00Z' });
    expect(moved.status).toBe(200);
    expect(await juneOf(ann, moved.body.consistencyToken)).toEqual(['Planning (moved)', 'Retro']);
    const cancelled = await http().delete(`/events/${eventID}`).set(host.auth);
    expect(cancelled.status).toBe(204);
    expect(await juneOf(ann, cancelled.headers['x-consistency-token'] as string)).toEqual(['Retro']);

    const mail = await settledMail(eventID, 8);
    const kindsTo = (person: Person) => mail.filter((n) => n.recipient === person.userID).map((n) => n.kind.split('@')[0]);
    expect([kindsTo(host), kindsTo(ann), kindsTo(bob)]).toEqual([['reply', 'reply'], ['invitation', 'update', 'cancellation'], ['invitation', 'update', 'cancellation']]);
    expect(mail.every((n) => n.status === 'sent')).toBe(true);
    // Every sent entry is one file, and no message went out twice (the same ledger entry sent again keeps its Message-ID).
    const messages = mailedMessages();
    for (const n of mail) expect(messages.filter((m) => m.messageID === `<${n.notificationID}.${eventID}@datebook>`)).toHaveLength(1);
    expect(new Set(messages.map((m) => m.messageID)).size).toBe(messages.length);
    for (const person of [host, ann, bob]) expect(messages.filter((m) => m.to.includes(person.email) && /Confirm your e-mail/i.test(m.subject))).toHaveLength(1);
  }, 240_000);

  describe('against a replay of the sharded log', () => {
    let store: EventStore;
    let database: SqlDatabase;
    let closeStore: () => Promise<void>;
    let redis: Cluster;
    beforeAll(async () => {
      database = pgSqlDatabase({ connectionString: readModel.url, max: 2 });
      ({ store, close: closeStore } = await openEventStore({ EVENT_STORE: 'postgres', EVENT_STORE_URLS: shards.map((s) => s.url), EVENT_STORE_POOL_SIZE: 2 }, database));
      redis = calendarViewsRedisCluster(redisCluster.nodes);
      await new Promise((ready) => redis.once('ready', ready));
    });
    afterAll(async () => {
      await redis?.quit();
      await closeStore?.();
      await database?.close();
    });

    it('has the read model the two projectors built equal a rebuild from the merged log', async () => {
      let last: { checksum: string; liveChecksum: string } | undefined;
      // Replays until the live projectors have caught up with the last events (each try rebuilds into a schema of its own).
      await pollUntil(async () => {
        last = await replayReadModel(store, database, { switchOver: false });
        return last.checksum === last.liveChecksum;
      }, { timeoutMs: 30_000, pollMs: 250, what: () => `the live read model equal to the replay (${JSON.stringify(last)})` });
    }, 60_000);

    it('has the Redis views the two projectors built equal views replayed from the merged log, and serves them', async () => {
      const replayed = inMemoryCalendarViews();
      const project = calendarViewsProjector({ store, views: replayed });
      for (let position = START_OF_LOG, batch = await store.readAll(position, 200); batch.length > 0; batch = await store.readAll(position, 200)) {
        await project(batch);
        position = batch.at(-1)?.logPosition ?? position;
      }
      const live = redisCalendarViews(redis);
      for (const person of [host, ann, bob]) {
        await pollUntil(async () => (await calendarViewChecksum(live, person.userID)) === (await calendarViewChecksum(replayed, person.userID)), {
          timeoutMs: 30_000, pollMs: 100, what: `${person.name}'s live view equal to the replayed one`,
        });
        const served = await http().get('/events').set(person.auth).query({ from: '2030-06-01T00:00:00Z', to: '2030-07-01T00:00:00Z' });
        expect(served.body.events.map((e: { eventID: string }) => e.eventID).sort()).toEqual((await replayed.entries(person.userID)).map((e) => e.row.event.eventID).sort());
      }
      expect((await replayed.entries(ann.userID)).map((e) => e.row.event.title)).toEqual(['Retro']);
    }, 60_000);
  });
});
