import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { type BenchContext, cpuNote } from '../context';
import { storeHead, waitForProjector } from '../fixtures';
import { Histogram } from '../histogram';
import { fixedRate } from '../loadGenerator';
import { bookingRequest } from './bookings';

/**
 * 4. Projection lag at a steady 200 bookings/s: from the POST's 201 (the append has committed) until
 * the booking is in the read model the week view reads.
 *
 * How it is observed: one watcher connection polls `rm_events` for all pending event ids at once
 * (`version >= the version the 201 returned`), back to back with a 1 ms pause. The projector writes
 * rm_events and rm_event_users in one transaction, so the row's version being there is exactly "the
 * week view would show it". This times append→visible itself, at ~1–2 ms resolution, with one cheap
 * query per poll whatever the backlog. The alternative — GET with X-Consistency-Token — would add
 * the server's own 5 ms polling step, an HTTP round trip and a week-view query per booking, and
 * would load the very server whose projector we are timing.
 */
export async function projectionLagSection(ctx: BenchContext): Promise<void> {
  const { users } = await ctx.weekFixture();
  await waitForProjector(ctx.pool, await storeHead(ctx.pool), 300_000);
  const rate = 200;
  const durationMs = ctx.pick(10_000, 3000);
  const pending = new Map<string, { version: number; ackAt: number }>();
  const lag = new Histogram();
  let polls = 0;
  let sending = true;

  const watcher = new Client({ connectionString: ctx.databaseUrl });
  watcher.on('error', () => undefined);
  await watcher.connect();
  const watch = (async () => {
    const stopAt = performance.now() + durationMs + 15_000; // bounded even if the projector stalls
    while ((sending || pending.size > 0) && performance.now() < stopAt) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const { rows } = await watcher.query<{ id: string; version: string }>('select event_id::text as id, version::text from rm_events where event_id = any($1::uuid[])', [ids]);
        const seenAt = performance.now();
        polls += 1;
        for (const row of rows) {
          const p = pending.get(row.id);
          if (p && Number(row.version) >= p.version) {
            lag.recordMs(Math.max(0, seenAt - p.ackAt));
            pending.delete(row.id);
          }
        }
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();

  const request = bookingRequest(users, '2030-07-08', 7);
  const run = await ctx.measure(() =>
    fixedRate(ctx.server, rate, {
      request, durationMs, wantBody: true, ok: (s) => s === 201,
      onResponse: (_i, response, doneAt) => {
        if (response.status !== 201 || !response.body) return;
        const { eventID, version } = JSON.parse(response.body.toString()) as { eventID: string; version: number };
        pending.set(eventID, { version, ackAt: doneAt });
      },
    }),
  );
  sending = false;
  await watch;
  await watcher.end();
  const lost = pending.size;
  const s = lag.summary();
  ctx.details.projectionLag = { bookings: { ...run.result, cpu: run.cpu }, lag: s, notSeenWithin15s: lost, watcherPolls: polls };
  ctx.figures.push({
    section: 'projectionLag', figure: `projection lag 201→visible at ${rate} bookings/s (p99)`, value: s.p99Ms, unit: 'ms',
    target: 'p99 < 250 ms', pass: lost === 0 && run.result.throughput >= rate * 0.95 ? s.p99Ms < 250 : false,
    notes: `p50 ${s.p50Ms} ms, max ${s.maxMs} ms over ${s.count} bookings (${lost} not seen); POST p50 ${run.result.latency.p50Ms} / p99 ${run.result.latency.p99Ms} ms, achieved ${run.result.throughput}/s; ${cpuNote(run.cpu)}`,
  });
}
