import type { TokenService } from '@datebook/shared-kernel/http';
import type { Pool } from 'pg';
import { autovacuumPass } from './autovacuumPass';
import { type CpuSplit, startCpuMeter } from './cpuMeter';
import { appendRows, type BenchUser, makeUsers, rng, rowsOf, weekBookings } from './fixtures';
import { type RunResult, saturate } from './loadGenerator';
import type { BenchSystem, MeteredProcess } from './profiles/benchSystem';

/** One row of the printed table. */
export interface Figure {
  section: string;
  figure: string;
  value: number | null;
  unit: string;
  ceiling?: number | null;
  ceilingLabel?: string;
  /** value / ceiling (or as stated in `notes`). */
  ratio?: number | null;
  /** How to print the ratio: a share of the ceiling (default) or a multiple (latency ratios). */
  ratioStyle?: 'percent' | 'times';
  target?: string;
  pass?: boolean | null;
  notes?: string;
}

export interface BenchContext {
  quick: boolean;
  system: BenchSystem;
  /** The bench's own connections to the same database (fixtures, probes, the raw-insert ceiling). */
  pool: Pool;
  databaseUrl: string;
  /** The bench's Redis database (production profile), for the raw Redis ceiling. */
  redisUrl: string | undefined;
  tokens: TokenService;
  /** Full-run value, or the smoke-run value under BENCH_QUICK=1. */
  pick<T>(full: T, quick: T): T;
  figures: Figure[];
  details: Record<string, unknown>;
  log(message: string): void;
  /** Saturation concurrency used for every closed-loop figure, so ratios compare like with like. */
  concurrency: number;
  /**
   * Waits until every consumer of the log has caught up (see BenchSystem.waitUntilQuiet), so a
   * measurement starts from a quiet system; logs waits over a second (they are the consumers' own speed).
   */
  settle(why: string, timeoutMs?: number): Promise<number>;
  /** A measurement of load sent to `target`, with where the CPU went while it ran. */
  measure<T>(target: MeteredProcess, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }>;
  /** /healthz at saturation on the query side's process (measured once, reused as the ceiling of later sections). */
  healthzCeiling(): Promise<RunResult>;
  weekFixture(): Promise<WeekFixture>;
  /** Bookings/s at saturation, once the bookings section has measured it (sizes the sustainable lag run). */
  bookingSaturation?: number;
}

export interface WeekFixture {
  users: BenchUser[];
  monday: string;
  dates: string[];
  events: number;
  /** Store events appended, and how long the projections took to show the last of them (read model and views). */
  storeRows: number;
  projectMs: number;
}

export const WEEK_MONDAY = '2030-06-03';

export function createContext(base: Omit<BenchContext, 'pick' | 'figures' | 'details' | 'settle' | 'measure' | 'healthzCeiling' | 'weekFixture' | 'log'>): BenchContext {
  let healthz: Promise<RunResult> | undefined;
  let week: Promise<WeekFixture> | undefined;
  const ctx: BenchContext = {
    ...base,
    figures: [],
    details: {},
    pick: (full, quick) => (base.quick ? quick : full),
    log: (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`),
    async settle(why, timeoutMs = 600_000) {
      const ms = await base.system.waitUntilQuiet(timeoutMs);
      if (ms > 1000) ctx.log(`${why}: the consumers took ${Math.round(ms)} ms to catch up`);
      const started = performance.now();
      const pass = await autovacuumPass(base.pool);
      if (pass.vacuumed.length + pass.analyzed.length > 0) {
        ctx.log(`${why}: autovacuum's pass (${Math.round(performance.now() - started)} ms): vacuumed ${pass.vacuumed.length}, analyzed ${pass.analyzed.length} tables`);
      }
      return ms;
    },
    async measure(target, work) {
      const stop = await startCpuMeter(target, base.system.cpu);
      const result = await work();
      return { result, cpu: await stop() };
    },
    healthzCeiling() {
      healthz ??= (async () => {
        const spec = { method: 'GET' as const, path: '/healthz' };
        const target = base.system.queries;
        await saturate(target, ctx.concurrency, { request: () => spec, durationMs: ctx.pick(2000, 500) }); // warm-up (JIT, sockets)
        return saturate(target, ctx.concurrency, { request: () => spec, durationMs: ctx.pick(10_000, 2000) });
      })();
      return healthz;
    },
    weekFixture() {
      week ??= (async () => {
        // 1,000 users; each hosts 14 events in the measured week and every 4th event invites 1–3
        // others, so a week view holds ~21 events (some with several attendees).
        const userCount = ctx.pick(1000, 200);
        const random = rng(42);
        const { users, rows } = makeUsers(userCount, 'week', 'Europe/Berlin', base.tokens);
        const counter = { bookings: 0, rows: 0 };
        const bookings = rowsOf(weekBookings(users, WEEK_MONDAY, 14, 4, random), counter);
        const appended = await appendRows(base.pool, (function* () {
          yield* rows;
          yield* bookings;
        })(), { oneTransaction: true });
        const replayMs = await base.system.waitUntilProjected(appended.tail, 300_000);
        ctx.log(`week fixture: ${userCount} users, ${counter.bookings} events (${appended.rows} store rows) appended in ${Math.round(appended.ms)} ms, projected in ${Math.round(replayMs)} ms (${Math.round(appended.rows / (replayMs / 1000))} events/s)`);
        ctx.details.weekFixture = { users: userCount, calendarEvents: counter.bookings, storeRows: appended.rows, appendMs: Math.round(appended.ms), projectMs: Math.round(replayMs) };
        const dates = [0, 1, 2, 3, 4].map((d) => new Date(Date.parse(`${WEEK_MONDAY}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10));
        return { users, monday: WEEK_MONDAY, dates, events: counter.bookings, storeRows: appended.rows, projectMs: replayMs };
      })();
      return week;
    },
  };
  return ctx;
}

export const ratio = (value: number | null | undefined, ceiling: number | null | undefined): number | null =>
  value != null && ceiling ? Math.round((value / ceiling) * 1000) / 1000 : null;

