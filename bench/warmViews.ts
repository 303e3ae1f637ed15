import { performance } from 'node:perf_hooks';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { BenchContext } from './context';
import type { BenchUser } from './fixtures';
import { type RequestSpec, saturate } from './loadGenerator';

/**
 * The query API serves a user's views (calendar and busy time) from Redis only after a read missed
 * and the projector, asked by it, copied the view from PostgreSQL in the background, as a live system's
 * active users' views are. Reads the week of every user whose view is not complete yet, lets the copies
 * asked for finish (until no more views complete for a while), and again (bounded), so the measurement is
 * of Redis-served reads. Null: not observable (the embedded profile).
 */
export async function warmViews(ctx: BenchContext, users: BenchUser[], date = '2030-06-05'): Promise<{ users: number; complete: number; passes: number; ms: number } | null> {
  const byID = new Map(users.map((u) => [u.userID, u]));
  const t0 = performance.now();
  let incomplete = await ctx.system.visibility.incompleteViews([...byID.keys()]);
  if (incomplete === null) return null;
  let passes = 0;
  while (incomplete.length > 0 && passes < 10) {
    const specs: RequestSpec[] = incomplete.map((id) => ({ method: 'GET', path: `/events?view=WEEKLY&date=${date}`, headers: byID.get(id)!.auth }));
    await saturate(ctx.system.queries, 4, { request: (i) => specs[i % specs.length]!, durationMs: 120_000, maxRequests: specs.length, timeoutMs: 120_000 });
    // The copies are made off the reads' path: wait while they keep completing views.
    let left = incomplete.length;
    let still = 0;
    await pollUntil(async () => {
      const now = (await ctx.system.visibility.incompleteViews(incomplete!))?.length ?? 0;
      still = now === left ? still + 1 : 0;
      left = now;
      return now === 0 || still >= 4;
    }, { timeoutMs: 300_000, pollMs: 500, what: 'view copies to stop completing views' });
    incomplete = (await ctx.system.visibility.incompleteViews(incomplete)) ?? [];
    passes += 1;
  }
  const ms = Math.round(performance.now() - t0);
  const complete = users.length - incomplete.length;
  ctx.log(`views: ${complete}/${users.length} users' views complete in Redis after ${passes} warm-up pass(es), ${ms} ms`);
  return { users: users.length, complete, passes, ms };
}
