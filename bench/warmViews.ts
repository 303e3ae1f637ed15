import { performance } from 'node:perf_hooks';
import type { BenchContext } from './context';
import type { BenchUser } from './fixtures';
import { type RequestSpec, saturate } from './loadGenerator';

/**
 * The query API serves a user's views (calendar and busy time) from Redis only after a read missed
 * and the projector, asked by it, copied the view from PostgreSQL in the background (a few at a time), as a live system's
 * active users' views are. Reads every user's week until every view is marked complete (bounded), so
 * the measurement is of Redis-served reads. Null: not observable (the embedded profile).
 */
export async function warmViews(ctx: BenchContext, users: BenchUser[], date = '2030-06-05'): Promise<{ users: number; complete: number; passes: number; ms: number } | null> {
  const ids = users.map((u) => u.userID);
  const t0 = performance.now();
  let complete = await ctx.system.visibility.completeViews(ids);
  if (complete === null) return null;
  const specs: RequestSpec[] = users.map((u) => ({ method: 'GET', path: `/events?view=WEEKLY&date=${date}`, headers: u.auth }));
  let passes = 0;
  while (complete < ids.length && passes < 20) {
    await saturate(ctx.system.queries, 4, { request: (i) => specs[i % specs.length]!, durationMs: 60_000, maxRequests: specs.length });
    await new Promise((r) => setTimeout(r, 200));
    complete = (await ctx.system.visibility.completeViews(ids)) ?? 0;
    passes += 1;
  }
  const ms = Math.round(performance.now() - t0);
  ctx.log(`views: ${complete}/${ids.length} users' views complete in Redis after ${passes} warm-up pass(es), ${ms} ms`);
  return { users: ids.length, complete, passes, ms };
}
