import { performance } from 'node:perf_hooks';
import { parseStreamName } from '@datebook/shared-kernel';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { StreamMark } from './fixtures';

/**
 * Where the query side reads a write from: the PostgreSQL read model (event details, availability,
 * free/busy, X-Consistency-Token) and, in production, the per-user calendar views in Redis (week
 * views). The embedded profile keeps its views in its own memory, out of the bench's sight.
 */
export type VisibilityPath = 'readModel' | 'views';

/**
 * Asks whether writes are visible where the query API reads them, by looking at exactly what it
 * reads: the version stamped on the read model's row (`rm_events` / `rm_users`, written by the
 * projector under a version guard) and the version each attendee's Redis view recorded for the
 * event (`cal:{user}:v`, set by the views projector's guarded script). One query or one pipelined
 * round trip per path for any number of marks, so it can be polled every millisecond.
 */
export interface VisibilityProbe {
  readonly paths: readonly VisibilityPath[];
  /** For each mark, whether it is visible on `path` now. Streams a path does not project count as visible. */
  visible(path: VisibilityPath, marks: StreamMark[]): Promise<boolean[]>;
  /**
   * Which of these users' views the query API does not serve from Redis yet: a view answers reads only
   * once the projector has copied it from the read model after a first miss and marked it complete
   * (`cal:{user}:c`). Null where the views are out of the bench's sight (embedded).
   */
  /** The PostgreSQL backend serving the probe's polls (the generator's work, not the system's). */
  pgPid(): number | undefined;
  incompleteViews(userIDs: string[]): Promise<string[] | null>;
  close(): Promise<void>;
}

/** The calendar views' key of a user's versions hash (see redisCalendarViews.ts: prefix `cal:`, hash tag = user id). */
const viewVersionsKey = (userID: string) => `cal:{${userID}}:v`;
/** Its completeness mark: the instant the view is complete from. */
const viewCompleteKey = (userID: string) => `cal:{${userID}}:c`;

export async function openVisibilityProbe(options: { databaseUrl: string; redis?: Redis }): Promise<VisibilityProbe> {
  // A connection of its own: the pool's may be busy with fixtures when a watcher polls.
  const db = new Client({ connectionString: options.databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  const backend = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const redis = options.redis;

  async function readModel(marks: StreamMark[]): Promise<boolean[]> {
    const events: string[] = [];
    const users: string[] = [];
    const parsed = marks.map((m) => parseStreamName(m.stream));
    for (const { category, id } of parsed) {
      if (category === 'CalendarEvent') events.push(id);
      else if (category === 'User') users.push(id);
    }
    if (events.length === 0 && users.length === 0) return marks.map(() => true);
    const { rows } = await db.query<{ id: string; version: string }>(
      `select event_id::text as id, version::text from rm_events where event_id = any($1::uuid[])
       union all select user_id::text, version::text from rm_users where user_id = any($2::uuid[])`,
      [events, users],
    );
    const versions = new Map(rows.map((r) => [r.id, Number(r.version)]));
    return marks.map((m, i) => {
      const { category, id } = parsed[i]!;
      if (category !== 'CalendarEvent' && category !== 'User') return true;
      return (versions.get(id) ?? -1) >= m.version;
    });
  }

  async function views(marks: StreamMark[]): Promise<boolean[]> {
    if (!redis) throw new Error('this profile has no views the bench can see');
    const asks: { mark: number; key: string; field: string }[] = [];
    marks.forEach((m, i) => {
      const { category, id } = parseStreamName(m.stream);
      if (category === 'CalendarEvent') for (const user of m.users) asks.push({ mark: i, key: viewVersionsKey(user), field: id });
    });
    const seen = marks.map(() => true);
    if (asks.length === 0) return seen;
    const pipeline = redis.pipeline();
    for (const a of asks) pipeline.hget(a.key, a.field);
    const answers = (await pipeline.exec()) ?? [];
    asks.forEach((a, k) => {
      const [error, value] = answers[k] ?? [new Error('no answer'), null];
      if (error || value === null || Number(value) < marks[a.mark]!.version) seen[a.mark] = false;
    });
    return seen;
  }

  return {
    paths: redis ? ['readModel', 'views'] : ['readModel'],
    visible: (path, marks) => (path === 'readModel' ? readModel(marks) : views(marks)),
    pgPid: () => backend,
    async incompleteViews(userIDs) {
      if (!redis) return null;
      const incomplete: string[] = [];
      for (let i = 0; i < userIDs.length; i += 1000) {
        const slice = userIDs.slice(i, i + 1000);
        const found = await redis.pipeline(slice.map((id) => ['exists', viewCompleteKey(id)])).exec();
        slice.forEach((id, k) => { if (found?.[k]?.[1] !== 1) incomplete.push(id); });
      }
      return incomplete;
    },
    async close() {
      await db.end().catch(() => undefined);
    },
  };
}

/** Polls until every mark is visible on every path of the probe (bounded in all); resolves with the ms it took. */
export async function waitUntilVisible(probe: VisibilityProbe, marks: StreamMark[], timeoutMs: number, pollMs = 20): Promise<number> {
  const t0 = performance.now();
  for (const path of probe.paths) {
    let pending = marks;
    await pollUntil(async () => {
      const seen = pending.length ? await probe.visible(path, pending) : [];
      pending = pending.filter((_m, i) => !seen[i]);
      return pending.length === 0;
    }, {
      timeoutMs: Math.max(0, timeoutMs - (performance.now() - t0)), pollMs,
      what: () => `${pending[0]!.stream} v${pending[0]!.version} (and ${pending.length - 1} more stream(s)) becoming visible in the ${path}`,
    });
  }
  return performance.now() - t0;
}
