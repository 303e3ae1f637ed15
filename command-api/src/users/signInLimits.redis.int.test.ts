import { randomUUID } from 'node:crypto';
import { calendarViewsRedisClient } from '@datebook/shared-kernel/ports/redis';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { redisSignInThrottle } from './signInThrottle';
import { startAccountsApp, uniqueEmail } from './testing/accountsApp';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Item 1 in production: the counters live in Redis, so every command-API process enforces the same limits. */
describe('sign-in limits on real Redis, shared by two command-API instances', () => {
  let db: SqlDatabase;
  let redis: ReturnType<typeof calendarViewsRedisClient>;
  const prefix = `datebook-test:signin:${randomUUID()}`;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    redis = calendarViewsRedisClient(REDIS_URL, { enableOfflineQueue: true });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await db.close();
  });

  it('blocks on one instance what was guessed on the other, and a success on either clears it', async () => {
    const first = await startAccountsApp(db, { throttle: redisSignInThrottle(redis, undefined, prefix) });
    const second = await startAccountsApp(db, { throttle: redisSignInThrottle(redis, undefined, prefix) });
    const email = uniqueEmail('ann');
    await first.signUp(email, 'a good password');
    for (let i = 0; i < 10; i++) {
      const instance = i % 2 === 0 ? first : second;
      expect((await instance.http().post('/sessions').send({ email, password: `wrong ${i}` })).status).toBe(401);
    }
    const blocked = await first.http().post('/sessions').send({ email, password: 'a good password' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Kept in Redis, not in either process.
    expect((await redis.keys(`${prefix}:blocks:*`)).length).toBe(1);
    // The block ends (as when it expires); the failures counted so far are still there until a success.
    await redis.del(...(await redis.keys(`${prefix}:blocks:*`)));
    expect((await redis.keys(`${prefix}:failures:*`)).length).toBe(1);
    expect((await second.http().post('/sessions').send({ email, password: 'a good password' })).status).toBe(200);
    expect(await redis.keys(`${prefix}:failures:*`)).toEqual([]);
  });
});
