import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { calendarViewsRedisClient } from '../calendarViews/calendarViewsRedisClient';
import { accessStampsContract } from './accessStamps.contract';
import { ACCESS_STAMP_READER_MAX_AGE_MS, ACCESS_STAMP_TTL_MS } from './accessStamps';
import { redisAccessStamps } from './redisAccessStamps';

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

accessStampsContract('redisAccessStamps', { create: async () => redisAccessStamps(redis, { keyPrefix: `test:${randomUUID()}:cal:` }), dispose: async () => {} });

describe('redisAccessStamps', () => {
  it('keeps each stamp beside its principal’s view (same hash tag) and lets it expire, far later than a reader keeps an answer', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const principal = randomUUID();
    await redisAccessStamps(redis, { keyPrefix: prefix }).touch([principal]);
    const ttl = await redis.pttl(`${prefix}{${principal}}:a`);
    expect(ttl).toBeGreaterThan(ACCESS_STAMP_TTL_MS - 60_000);
    expect(ACCESS_STAMP_READER_MAX_AGE_MS * 100).toBeLessThan(ACCESS_STAMP_TTL_MS);
  });

  it('reads nothing on an unreachable Redis instead of failing, and rejects touches', async () => {
    const down = calendarViewsRedisClient('redis://127.0.0.1:6399', { retryStrategy: () => null, lazyConnect: true });
    try {
      const stamps = redisAccessStamps(down, { keyPrefix: `test:${randomUUID()}:cal:` });
      await expect(stamps.read([randomUUID()])).resolves.toBeUndefined();
      await expect(stamps.touch([randomUUID()])).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
