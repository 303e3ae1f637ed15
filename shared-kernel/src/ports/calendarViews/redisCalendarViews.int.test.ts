import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { calendarViewsContract, viewRow } from './calendarViews.contract';
import { calendarViewsRedisClient } from './calendarViewsRedisClient';
import { redisCalendarViews } from './redisCalendarViews';

/** The Redis server tests use; `deploy/scripts/redis-ensure.sh` makes sure it answers. */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redis: Redis;
beforeAll(async () => {
  redis = calendarViewsRedisClient(TEST_REDIS_URL);
  await new Promise((resolve) => redis.once('ready', resolve));
});
afterAll(async () => {
  await redis.quit();
});

// A prefix per views object: test files and runs share the server and must not see each other's keys.
calendarViewsContract('redisCalendarViews', {
  create: async (clock) => redisCalendarViews(redis, { keyPrefix: `test:${randomUUID()}:cal:`, clock }),
  dispose: (views) => views.clear(),
});

describe('redisCalendarViews on an unreachable Redis', () => {
  it('reads nothing instead of failing, and rejects writes so the projector retries', async () => {
    const down = calendarViewsRedisClient('redis://127.0.0.1:6399', { retryStrategy: () => null, lazyConnect: true });
    try {
      const views = redisCalendarViews(down, { keyPrefix: `test:${randomUUID()}:cal:` });
      const user = randomUUID();
      await expect(views.read(user, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-08T00:00:00Z'))).resolves.toBeUndefined();
      await expect(views.busy([user], new Date('2030-01-01T00:00:00Z'), new Date('2030-01-08T00:00:00Z'))).resolves.toEqual(new Map());
      await expect(views.whoIsBusy([user], new Date('2030-01-01T00:00:00Z'), new Date('2030-01-08T00:00:00Z'))).resolves.toEqual(new Map());
      const event = randomUUID();
      await expect(views.applyChanges([{ userID: user, eventID: event, version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }])).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });

  it('keeps answering after Redis forgets its scripts (a restart or a failover to a replica)', async () => {
    const views = redisCalendarViews(redis, { keyPrefix: `test:${randomUUID()}:cal:` });
    const user = randomUUID();
    const event = randomUUID();
    await views.backfill(user, [], new Date('2029-01-01T00:00:00Z'));
    await redis.script('FLUSH');
    await views.applyChanges([{ userID: user, eventID: event, version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }]);
    await redis.script('FLUSH');
    const rows = await views.read(user, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-08T00:00:00Z'));
    expect(rows?.map((r) => r.event.eventID)).toEqual([event]);
    await redis.script('FLUSH');
    expect(await views.whoIsBusy([user], new Date('2030-01-02T10:00:00Z'), new Date('2030-01-02T11:00:00Z'))).toEqual(new Map([[user, true]]));
    await views.clear();
  });

  it('keeps every key of a user in one Cluster slot', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const views = redisCalendarViews(redis, { keyPrefix: prefix });
    const user = randomUUID();
    const event = randomUUID();
    await views.applyChanges([{ userID: user, eventID: event, version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }]);
    await views.backfill(user, [], new Date('2029-01-01T00:00:00Z'));
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(['bh', 'bk', 'bm', 'c', 'r', 's', 'v'].map((k) => `${prefix}{${user}}:${k}`).sort());
    // Redis Cluster hashes only the first {…} of a key (Cluster spec, "Hash tags").
    expect(keys.map((k) => /\{[^}]*\}/.exec(k)?.[0])).toEqual(keys.map(() => `{${user}}`));
    const ttl = await redis.pttl(`${prefix}{${user}}:c`);
    expect(ttl).toBeGreaterThan(29 * 86_400_000);
    await views.clear();
  });
});

describe('redisCalendarViews busy answers kept beside the view stamp', () => {
  const week = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-01-08T00:00:00Z') };
  const hourAt = (iso: string) => ({ start: Date.parse(iso), end: Date.parse(iso) + 3_600_000, kind: 'busy' });

  it('reuses an answer while the stamp holds, and reads afresh once a write (from any process) moves it', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const reader = redisCalendarViews(redis, { keyPrefix: prefix });
    const writer = redisCalendarViews(redis, { keyPrefix: prefix });
    const user = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    await writer.backfill(user, [{ version: 1, row: viewRow(user, first, '2030-01-02T10:00:00Z') }], new Date('2029-01-01T00:00:00Z'));
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-02T10:00:00Z')]);
    expect((await reader.whoIsBusy([user], week.from, week.to)).get(user)).toBe(true);

    // The day's text changed behind the stamp's back: only a kept answer can still say 10:00.
    const day = String(Math.floor(Date.parse('2030-01-02T10:00:00Z') / 86_400_000));
    await redis.hset(`${prefix}{${user}}:bh`, day, '');
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-02T10:00:00Z')]);
    expect((await reader.whoIsBusy([user], week.from, week.to)).get(user)).toBe(true);

    // A write moves the stamp: the next read is the view as it now stands (the emptied day, the new event).
    await writer.applyChanges([{ userID: user, eventID: second, version: 1, row: viewRow(user, second, '2030-01-04T10:00:00Z') }]);
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-04T10:00:00Z')]);
    await writer.clear();
  });

  it('never hands out a stamp again after Redis lost a write (a failover, a restore) and then took another', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const reader = redisCalendarViews(redis, { keyPrefix: prefix });
    const writer = redisCalendarViews(redis, { keyPrefix: prefix });
    const user = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    await writer.backfill(user, [], new Date('2029-01-01T00:00:00Z'));
    const [before] = (await writer.changeStamps([user]))!;
    await writer.applyChanges([{ userID: user, eventID: first, version: 1, row: viewRow(user, first, '2030-01-02T10:00:00Z') }]);
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-02T10:00:00Z')]);
    // The write is lost: the view is back as it was before it, stamp included.
    await redis.hdel(`${prefix}{${user}}:bh`, String(Math.floor(Date.parse('2030-01-02T10:00:00Z') / 86_400_000)));
    await redis.hset(`${prefix}{${user}}:bk`, 'n', before!);
    await writer.applyChanges([{ userID: user, eventID: second, version: 1, row: viewRow(user, second, '2030-01-03T10:00:00Z') }]);
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-03T10:00:00Z')]);
    await writer.clear();
  });

  it('never reuses an availability answer for a free/busy one, and keeps nothing with keptBusyIntervals 0', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const reader = redisCalendarViews(redis, { keyPrefix: prefix });
    const uncached = redisCalendarViews(redis, { keyPrefix: prefix, keptBusyIntervals: 0 });
    const user = randomUUID();
    const event = randomUUID();
    await reader.backfill(user, [{ version: 1, row: viewRow(user, event, '2030-01-02T10:00:00Z') }], new Date('2029-01-01T00:00:00Z'));
    expect((await reader.whoIsBusy([user], week.from, week.to)).get(user)).toBe(true);
    expect((await uncached.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-02T10:00:00Z')]);
    expect((await reader.busy([user], week.from, week.to)).get(user)).toEqual([hourAt('2030-01-02T10:00:00Z')]);
    const day = String(Math.floor(Date.parse('2030-01-02T10:00:00Z') / 86_400_000));
    await redis.hset(`${prefix}{${user}}:bh`, day, '');
    expect((await uncached.busy([user], week.from, week.to)).get(user)).toEqual([]);
    await reader.clear();
  });
});
