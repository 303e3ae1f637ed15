import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { calendarViewsRedisCluster } from '@datebook/shared-kernel/ports/redis';
import { localRedisCluster } from '@datebook/shared-kernel/testing';
import type { Cluster } from 'ioredis';
import { redisDirectoryLookupLimit, TooManyLookupsError } from './directoryLookupLimit';
import { DEFAULT_THROTTLE_POLICY, redisSignInThrottle, TooManyAttemptsError } from './signInThrottle';

// The scale-out profile's Redis Cluster: the limits' keys are one per command, spread over the masters.
// Two limiter objects stand for two command-API processes: each has its own in-memory insurance, so only
// counts kept in the cluster can make the second refuse what was spent on the first.
const cluster = localRedisCluster({ repoRoot: resolve(__dirname, '../../..') });
let redis: Cluster;
const prefix = `datebook-test:${randomUUID()}`;
const keysOnMasters = async (pattern: string) => (await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)))).flat();

beforeAll(async () => {
  await cluster.ensure();
  redis = calendarViewsRedisCluster(cluster.nodes);
  await new Promise((ready) => redis.once('ready', ready));
}, 60_000);
afterAll(async () => {
  for (const key of await keysOnMasters(`${prefix}*`)) await redis.del(key);
  await redis.quit();
});

describe('the command API’s limits on a Redis Cluster', () => {
  it('counts directory lookups of many callers at once, in the cluster, for every process alike', async () => {
    const policy = { maxLookups: 3, windowSeconds: 60 };
    const [first, second] = [redisDirectoryLookupLimit(redis, policy, `${prefix}:lookups`), redisDirectoryLookupLimit(redis, policy, `${prefix}:lookups`)];
    const callers = Array.from({ length: 12 }, () => randomUUID());
    const now = new Date();
    await Promise.all(callers.flatMap((caller) => [first, second, first].map((limit) => limit.take(caller, now))));
    const refused = await Promise.allSettled(callers.map((caller) => second.take(caller, now)));
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof TooManyLookupsError)).toBe(true);
    const perMaster = await Promise.all(redis.nodes('master').map(async (node) => (await node.keys(`${prefix}:lookups:*`)).length));
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(callers.length);
    expect(perMaster.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it('blocks an account on one process after wrong passwords on the other, and a success clears it', async () => {
    const [first, second] = [redisSignInThrottle(redis, DEFAULT_THROTTLE_POLICY, `${prefix}:signin`), redisSignInThrottle(redis, DEFAULT_THROTTLE_POLICY, `${prefix}:signin`)];
    const accounts = Array.from({ length: 4 }, () => `${randomUUID()}@example.com`);
    await Promise.all(accounts.map(async (account) => {
      for (let i = 0; i < DEFAULT_THROTTLE_POLICY.maxConsecutiveFailures; i++) await (i % 2 === 0 ? first : second).failed(account, `client-${account}`);
    }));
    const checks = await Promise.allSettled(accounts.map((account) => first.check(account, `client-${account}`)));
    expect(checks.every((c) => c.status === 'rejected' && c.reason instanceof TooManyAttemptsError)).toBe(true);
    await second.succeeded(accounts[0] as string);
    await expect(first.check(accounts[0] as string, `client-${accounts[0]}`)).resolves.toBeUndefined();
    expect((await keysOnMasters(`${prefix}:signin:blocks:*`)).length).toBe(accounts.length - 1);
  });
});
