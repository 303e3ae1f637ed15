import type { TokenService } from '@datebook/shared-kernel/http';
import type { Pool } from 'pg';
import { type CpuSplit, startCpuMeter } from './cpuMeter';
import { appendRows, type BenchUser, makeUsers, rng, rowsOf, waitForProjector, weekBookings } from './fixtures';
import { type RunResult, saturate } from './loadGenerator';
import type { ServerHandle } from './server';

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
  server: ServerHandle;
  /** The bench's own connections to the same database (fixtures, probes, the raw-insert ceiling). */
  pool: Pool;
  databaseUrl: string;
  tokens: TokenService;
  /** Full-run value, or the smoke-run value under BENCH_QUICK=1. */
  pick<T>(full: T, quick: T): T;
  figures: Figure[];
  details: Record<string, unknown>;
  log(message: string): void;
  /** Saturation concurrency used for every closed-loop figure, so ratios compare like with like. */
  concurrency: number;
  /** A measurement with where the CPU went while it ran. */
  measure<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }>;
  /** /healthz at saturation on this server (measured once, reused as the ceiling of later sections). */
  healthzCeiling(): Promise<RunResult>;
  weekFixture(): Promise<WeekFixture>;
  /** Replay rate (events/s) seen while loading fixtures, for sizing the large load. */
  observedReplayRate?: number;
}

export interface WeekFixture {
  users: BenchUser[];
  monday: string;
  dates: string[];
  events: number;
}

export const WEEK_MONDAY = '2030-06-03';

export function createContext(base: Omit<BenchContext, 'pick' | 'figures' | 'details' | 'measure' | 'healthzCeiling' | 'weekFixture' | 'log'>): BenchContext {
  let healthz: Promise<RunResult> | undefined;
  // The backends serving the bench database (the server's pool, the bench's own connections).
  const pgPids = async () =>
    (await base.pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()')).rows.map((r) => r.pid);
  let week: Promise<WeekFixture> | undefined;
  const ctx: BenchContext = {
    ...base,
    figures: [],
    details: {},
    pick: (full, quick) => (base.quick ? quick : full),
    log: (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`),
    async measure(work) {
      const stop = await startCpuMeter(base.server.pid, pgPids);
      const result = await work();
      return { result, cpu: await stop() };
    },
    healthzCeiling() {
      healthz ??= (async () => {
        const spec = { method: 'GET' as const, path: '/healthz' };
        await saturate(base.server, ctx.concurrency, { request: () => spec, durationMs: ctx.pick(2000, 500) }); // warm-up (JIT, sockets)
        return saturate(base.server, ctx.concurrency, { request: () => spec, durationMs: ctx.pick(10_000, 3000) });
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
        const replayMs = await waitForProjector(base.pool, appended.last, 300_000);
        ctx.observedReplayRate = appended.rows / (replayMs / 1000);
        ctx.log(`week fixture: ${userCount} users, ${counter.bookings} events (${appended.rows} store rows) appended in ${Math.round(appended.ms)} ms, projected in ${Math.round(replayMs)} ms (${Math.round(ctx.observedReplayRate)} events/s)`);
        ctx.details.weekFixture = { users: userCount, calendarEvents: counter.bookings, storeRows: appended.rows, appendMs: Math.round(appended.ms), projectMs: Math.round(replayMs) };
        const dates = [0, 1, 2, 3, 4].map((d) => new Date(Date.parse(`${WEEK_MONDAY}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10));
        return { users, monday: WEEK_MONDAY, dates, events: counter.bookings };
      })();
      return week;
    },
  };
  return ctx;
}

export const ratio = (value: number | null | undefined, ceiling: number | null | undefined): number | null =>
  value != null && ceiling ? Math.round((value / ceiling) * 1000) / 1000 : null;

/** "what used the CPU" for a figure's notes, in % of one core. */
export const cpuNote = (c: CpuSplit): string =>
  `cpu % of a core: server ${c.serverPct}, pg ${c.pgPct}, generator ${c.generatorPct}, rest of box ${c.otherPct}`;
