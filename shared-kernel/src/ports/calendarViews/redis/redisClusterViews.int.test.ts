import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Cluster } from 'ioredis';
import { localRedisCluster } from '../../../testing/localRedisCluster';
import { accessStampsContract } from '../../accessStamps/accessStamps.contract';
import type { AccessStamps } from '../../accessStamps/accessStamps';
import { redisAccessStamps } from '../../accessStamps/redisAccessStamps';
import { redisViewCopyRequests } from '../../viewCopies/redisViewCopyRequests';
import { calendarViewsContract, viewRow } from '../calendarViews.contract';
import { calendarViewsRedisCluster, calendarViewsRedisOf } from '../calendarViewsRedisClient';
import { redisCalendarViews } from '../redisCalendarViews';

// The scale-out profile's cluster (three masters, deploy/scripts/redis-cluster-ensure.sh), shared by the
// tests as the standalone server is: every views object has a key prefix of its own.
const cluster = localRedisCluster({ repoRoot: resolve(__dirname, '../../../../..') });
let redis: Cluster;
beforeAll(async () => {
  await cluster.ensure();
  redis = calendarViewsRedisCluster(cluster.nodes);
  await new Promise((ready) => redis.once('ready', ready));
}, 60_000);
afterAll(async () => {
  await redis.quit();
});

calendarViewsContract('redisCalendarViews on a Redis Cluster of three masters', {
  create: async (clock) => redisCalendarViews(redis, { keyPrefix: `test:${randomUUID()}:cal:`, clock }),
  dispose: (views) => views.clear(),
});

// The stamps sit beside the views, a principal's in its view's slot: one GET each on a Cluster.
const stampPrefixes = new Map<AccessStamps, string>();
accessStampsContract('redisAccessStamps on a Redis Cluster of three masters', {
  async create() {
    const prefix = `test:${randomUUID()}:cal:`;
    const stamps = redisAccessStamps(redis, { keyPrefix: prefix });
    stampPrefixes.set(stamps, prefix);
    return stamps;
  },
  async dispose(stamps) {
    const keys = (await Promise.all(redis.nodes('master').map((node) => node.keys(`${stampPrefixes.get(stamps)}*`)))).flat();
    for (const key of keys) await redis.del(key);
  },
});

describe('redisCalendarViews on a Redis Cluster', () => {
  const may = (start: string) => ({ from: new Date(start), to: new Date(Date.parse(start) + 7 * 86_400_000) });

  it('spreads users over the masters, answers a busy read of many at once, and clears every master', async () => {
    const prefix = `test:${randomUUID()}:cal:`;
    const views = redisCalendarViews(redis, { keyPrefix: prefix });
    const users = Array.from({ length: 12 }, () => randomUUID());
    for (const user of users) await views.backfill(user, [], new Date('2029-01-01T00:00:00Z'));
    await views.applyChanges(users.map((user) => ({ userID: user, eventID: randomUUID(), version: 1, row: viewRow(user, randomUUID(), '2030-05-02T10:00:00Z') })));
    const slots = await Promise.all(users.map((u) => redis.cluster('KEYSLOT', `${prefix}{${u}}:v`) as Promise<number>));
    const owners = new Set(slots.map((slot) => redis.slots[slot]?.[0]));
    expect(owners.size).toBeGreaterThan(1);
    const { from, to } = may('2030-05-01T00:00:00Z');
    const busy = await views.busy(users, from, to);
    expect([...busy.keys()].sort()).toEqual([...users].sort());
    expect([...busy.values()].every((intervals) => intervals.length === 1)).toBe(true);
    expect((await views.whoIsBusy(users, new Date('2030-05-02T10:30:00Z'), new Date('2030-05-02T10:31:00Z'))).size).toBe(users.length);

    await views.clear();
    const left = await Promise.all(redis.nodes('master').map((node) => node.keys(`${prefix}*`)));
    expect(left.flat()).toEqual([]);
    expect(await views.read(users[0] as string, from, to)).toBeUndefined();
  });

  it('queues copy requests on the cluster, each taken once', async () => {
    const requests = redisViewCopyRequests(redis, { key: `test:${randomUUID()}:copy-requests` });
    await Promise.all(['a', 'b', 'c'].map((u) => requests.request(u)));
    const taken = await Promise.all([requests.take(2), requests.take(2)]);
    expect(taken.flat().sort()).toEqual(['a', 'b', 'c']);
    expect(await requests.take(5)).toEqual([]);
  });

  it('is the client the configuration names: the cluster when REDIS_CLUSTER_NODES lists nodes', async () => {
    const client = calendarViewsRedisOf({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.nodes });
    try {
      await new Promise((ready) => client.once('ready', ready));
      expect(client.isCluster).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});
