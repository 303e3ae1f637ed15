import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createTestDatabase, localKafkaBroker, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import { type ProductionStack, startProductionStack } from './stack/productionStack';
import { compiledServices } from './stack/compiledServices';
import { serviceProcess } from './stack/serviceProcess';
import { accessMatrixScenario } from './testing/accessMatrix.scenario';

const root = resolve(__dirname, '../..');
// A broker of this test's own, so stopping it disturbs no other test.
const broker = localKafkaBroker({ repoRoot: root, port: 19096, dir: join(root, '.kafka/e2e-broker') });
const port = 4300 + (process.pid % 50) * 10;
// A Redis of this test's own too, so it can be stopped.
const redisPort = 16390 + (process.pid % 50);
let redis: ChildProcess | undefined;
const startRedis = async () => {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await pollUntil(() => fetch(`http://127.0.0.1:${redisPort}`).then(() => true, (e: { cause?: { code?: string } }) => e.cause?.code !== 'ECONNREFUSED'), {
    timeoutMs: 5_000, pollMs: 50, what: `Redis listening on ${redisPort}`,
  });
};
const stopRedis = async () => {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
};

describe('the production profile: separate processes, events through Kafka', () => {
  let database: TestDatabase;
  let stack: ProductionStack;
  let users: { userID: string; auth: { Authorization: string } }[];
  const http = () => request(stack.url);

  beforeAll(async () => {
    database = await createTestDatabase();
    await broker.start();
    await startRedis();
    stack = await startProductionStack({
      port, databaseUrl: database.url, jwtSecret: randomBytes(32).toString('base64url'), kafkaBrokers: broker.brokers.join(','),
      kafkaTopic: `e2e-${randomUUID()}`, redisUrl: `redis://127.0.0.1:${redisPort}`, logDir: join(root, 'data/e2e-logs'), dataDir: join(root, 'data/e2e'), logLevel: 'warn',
      provisionComponents: false, logger: pino({ level: 'silent' }),
    });
    users = [];
    for (const name of ['host', 'ann']) {
      const email = `${name}.${randomUUID()}@example.com`;
      // Sign-up answers alike for new and taken addresses: the user id comes from the session.
      expect((await http().post('/users').send({ userName: name, email, password: 'a good password' })).status).toBe(202);
      const session = await http().post('/sessions').send({ email, password: 'a good password' });
      users.push({ userID: session.body.userID, auth: { Authorization: `Bearer ${session.body.token}` } });
    }
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await stopRedis();
    await broker.start().catch(() => undefined);
    await broker.stop();
    await database.drop();
  }, 120_000);

  const host = () => users[0] as (typeof users)[number];
  const ann = () => users[1] as (typeof users)[number];
  const book = (title: string, day: number) =>
    http().post('/events').set(host().auth).send({
      title, startTime: `2033-03-${String(day).padStart(2, '0')}T09:00:00Z`, endTime: `2033-03-${String(day).padStart(2, '0')}T10:00:00Z`, invitedUserIDs: [ann().userID],
    });
  /** Reads Ann's March with a token until the views have it (bounded). */
  const annsMarch = async (token: string, timeoutMs = 60_000) => {
    const read = () => http().get('/events').set(ann().auth).set('X-Consistency-Token', token).query({ from: '2033-03-01T00:00:00Z', to: '2033-04-01T00:00:00Z' });
    let res: Awaited<ReturnType<typeof read>> | undefined;
    await pollUntil(async () => (res = await read()).status === 200, {
      timeoutMs, pollMs: 0, what: () => `the views catching up (last: ${res?.status} ${JSON.stringify(res?.body)})`,
    });
    return res?.body.events as { eventID: string; title: string }[];
  };
  const titled = (events: { title: string }[], prefix: string) => events.filter((e) => e.title.startsWith(prefix)).map((e) => e.title).sort();

  it('books through the gateway and shows the booking in the other process’s views', async () => {
    const booked = await book('first', 1);
    expect(booked.status).toBe(201);
    expect(titled(await annsMarch(booked.body.consistencyToken), 'first')).toEqual(['first']);
    const doc = await http().get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/events', '/freebusy', '/devices', '/sync']));
  }, 60_000);

  it('answers the access matrix of shared calendars as the embedded default does (rights through the gateway, views in Redis)', async () => {
    const signUp = async (name: string) => {
      const email = `${name}.${randomUUID()}@example.com`;
      expect((await http().post('/users').send({ userName: name, email, password: 'a good password' })).status).toBe(202);
      const session = await http().post('/sessions').send({ email, password: 'a good password' });
      return { userID: session.body.userID as string, auth: { Authorization: `Bearer ${session.body.token}` } };
    };
    await accessMatrixScenario({ http, signUp });
  }, 120_000);

  it('converges with no duplicates and no gaps when the projector is killed mid-stream', async () => {
    const pending = Array.from({ length: 20 }, (_, i) => book(`crash ${String(i).padStart(2, '0')}`, 2 + (i % 20)));
    await new Promise((r) => setTimeout(r, 50));
    await stack.services.projector.kill();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.status === 201)).toBe(true);
    await stack.services.projector.start();
    const last = results[results.length - 1];
    for (const r of results) await annsMarch(r.body.consistencyToken);
    const titles = titled(await annsMarch(last?.body.consistencyToken), 'crash');
    expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `crash ${String(i).padStart(2, '0')}`));
  }, 120_000);

  it('accepts bookings while Kafka is down and delivers every one when it is back', async () => {
    await broker.stop();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await book(`outage ${i}`, 22 + i));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    await broker.start();
    for (const r of results) await annsMarch(r.body.consistencyToken, 90_000);
    expect(titled(await annsMarch(results[4]?.body.consistencyToken), 'outage')).toEqual(['outage 0', 'outage 1', 'outage 2', 'outage 3', 'outage 4']);
  }, 180_000);

  it('shares the partitions between two projector processes and builds the same views', async () => {
    const second = serviceProcess({
      name: 'projector-2', entry: (await compiledServices(['projector'])).projector, port: port + 7, logDir: join(root, 'data/e2e-logs'),
      env: { DATABASE_URL: database.url, KAFKA_BROKERS: broker.brokers.join(','), KAFKA_TOPIC: (await topicOf()) ?? '', LOG_LEVEL: 'warn' },
    });
    await second.start();
    try {
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => book(`pair ${String(i).padStart(2, '0')}`, 1 + i)));
      for (const r of results) await annsMarch(r.body.consistencyToken);
      expect(titled(await annsMarch(results[15]?.body.consistencyToken), 'pair')).toHaveLength(16);
      const rows = await countRows();
      expect(rows.attendees).toBe(rows.events * 2);
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('serves the week from the Redis views, and from PostgreSQL while Redis is down', async () => {
    const booked = await book('cached', 27);
    await annsMarch(booked.body.consistencyToken);
    const week = () => http().get('/events').set(ann().auth).query({ from: '2033-03-27T00:00:00Z', to: '2033-03-28T00:00:00Z' });
    const expected = [expect.objectContaining({ title: 'cached' })];
    // The first read misses the views and fills them; later reads are served from Redis, eventually with the booking.
    await pollUntil(async () => (await week()).body.events?.length === 1, { timeoutMs: 30_000, pollMs: 100, what: 'the week holding the booking' });
    expect((await week()).body.events).toEqual(expected);
    await stopRedis();
    const whileDown = await week();
    expect(whileDown.status).toBe(200);
    expect(whileDown.body.events).toEqual(expected);
    await startRedis();
  }, 90_000);

  it('lets the notifier, its own consumer group, record the invitations', async () => {
    const booked = await book('notified', 28);
    let recorded: unknown;
    await pollUntil(async () => {
      const res = await http().get(`/events/${booked.body.eventID}/notifications`).set(host().auth);
      recorded = res.body;
      return (res.body.notifications ?? []).some((n: { kind: string }) => n.kind.includes('invitation'));
    }, { timeoutMs: 60_000, pollMs: 200, what: () => `an invitation recorded (last: ${JSON.stringify(recorded)})` });
  }, 90_000);

  it('refuses a signed-out session in the command API at once and in the query API, another process, within 5 s', async () => {
    const email = `leaver.${randomUUID()}@example.com`;
    expect((await http().post('/users').send({ userName: 'leaver', email, password: 'a good password' })).status).toBe(202);
    const auth = { Authorization: `Bearer ${(await http().post('/sessions').send({ email, password: 'a good password' })).body.token}` };
    const week = () => http().get('/events').set(auth).query({ view: 'WEEKLY', date: '2033-03-07' });
    expect((await week()).status).toBe(200);
    expect((await http().delete('/sessions/current').set(auth)).status).toBe(204);
    const signedOutAt = Date.now();
    expect((await http().get('/users/me').set(auth)).status).toBe(401);
    await pollUntil(async () => {
      const status = (await week()).status;
      if (status !== 401) expect(status).toBe(200);
      return status === 401;
    }, { timeoutMs: 10_000, pollMs: 100, what: 'the query API refusing the revoked session' });
    expect(Date.now() - signedOutAt).toBeLessThan(5_000 + 1_000);
  }, 60_000);

  async function withDb<T>(work: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  async function countRows() {
    return withDb(async (c) => {
      // The host's bookings with Ann invited (two rows each); the matrix's calendar events have rows of their own.
      const events = await c.query<{ n: string }>('select count(*)::text as n from rm_events where calendar_id = host_id');
      const attendees = await c.query<{ n: string }>('select count(*)::text as n from rm_event_users eu join rm_events e using (event_id) where e.calendar_id = e.host_id');
      return { events: Number(events.rows[0]?.n), attendees: Number(attendees.rows[0]?.n) };
    });
  }
  async function topicOf() {
    return withDb(async (c) => (await c.query<{ relay_name: string }>('select relay_name from relay_checkpoints limit 1')).rows[0]?.relay_name);
  }
});
