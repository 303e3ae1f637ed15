import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import { Pool } from 'pg';
import { type BenchContext, createContext } from './context';
import { boxBusyPct, type CpuSplit } from './cpuMeter';
import { summariseProfiles } from './profileSummary';
import { formatTable } from './report';
import { fleetSizing, formatFleetSizing, operationCost } from './fleetSizing';
import { availabilitySection } from './sections/availability';
import { bookingsSection } from './sections/bookings';
import { caldavSection } from './sections/caldav';
import { calendarsSection } from './sections/calendars';
import { healthzSection } from './sections/healthz';
import { notifierSection } from './sections/notifier';
import { projectionLagSection } from './sections/projectionLag';
import { recurrenceSection } from './sections/recurrence';
import { weekViewSection } from './sections/weekView';
import type { BenchProfile, BenchSystem } from './profiles/benchSystem';
import { startEmbeddedSystem } from './profiles/embedded';
import { startProductionSystem } from './profiles/production';
import { boxSpeed, boxSpeedNote } from './boxSpeed';

/**
 * `npm run bench`: every figure beside its ceiling, measured in one run against one fresh PostgreSQL
 * database and one system under test: the production profile (one process per service, events
 * through Kafka, views in Redis) by default, BENCH_PROFILE=embedded for the single-process app.
 * BENCH_QUICK=1: a ~3-minute smoke run with small data and short loads. BENCH_ONLY=weekView,bookings:
 * only those sections. BENCH_CPU_PROF=1: profile the measured service processes.
 */
const SECTIONS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  healthz: healthzSection,
  weekView: weekViewSection,
  bookings: bookingsSection,
  projectionLag: projectionLagSection,
  recurrence: recurrenceSection,
  availability: availabilitySection,
  notifier: notifierSection,
  calendars: calendarsSection,
  caldav: caldavSection,
};

async function main(): Promise<number> {
  const quick = process.env.BENCH_QUICK === '1';
  const profile = (process.env.BENCH_PROFILE ?? 'production') as BenchProfile;
  if (profile !== 'production' && profile !== 'embedded') throw new Error(`BENCH_PROFILE must be production or embedded, not ${profile}`);
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((name) => !(name in SECTIONS));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  const selected = Object.keys(SECTIONS).filter((name) => !only || only.includes(name));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(__dirname, '..', '.bench');
  mkdirSync(outDir, { recursive: true });
  const profDir = process.env.BENCH_CPU_PROF === '1' ? join(outDir, `prof-${stamp}`) : undefined;

  // Everything that must be undone, undone once, whatever happens (failure, Ctrl-C, the watchdog).
  let database: TestDatabase | undefined;
  let starting: Promise<BenchSystem> | undefined;
  let pool: Pool | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      // A system still starting is waited for, so none of its processes outlive the run (a failed start cleans up itself).
      const system = await starting?.catch(() => undefined);
      await system?.stop().catch((e: unknown) => console.error('stopping the system under test failed:', e));
      await pool?.end().catch(() => undefined);
      await database?.drop().catch((e: unknown) => console.error('dropping the bench database failed:', e));
    })());
  let aborted = false;
  const abort = (why: string) => {
    if (aborted) return;
    aborted = true;
    console.error(`bench aborted: ${why}; stopping what it started…`);
    void cleanup().finally(() => process.exit(1));
  };
  // Listeners that stay: a Ctrl-C reaches this process twice (from the terminal, and relayed by the tsx
  // wrapper), and with no listener left tsx's own handler would exit at once, before the cleanup.
  process.on('SIGINT', () => abort('SIGINT'));
  process.on('SIGTERM', () => abort('SIGTERM'));
  // Watchdog: the whole run ends by itself even if something hangs.
  const watchdog = setTimeout(() => abort('watchdog: the run took too long'), (quick ? 8 : 45) * 60_000);
  watchdog.unref();

  const started = Date.now();
  // The box is shared: wait (bounded) for it to be quiet-ish, and record how busy it was either way.
  let busyBefore = await boxBusyPct(1000);
  for (let waited = 0; busyBefore > 40 && waited < (quick ? 5 : 30); waited += 2) {
    console.log(`[bench] box busy (${busyBefore}% of a core used by others); waiting for it to quieten…`);
    busyBefore = await boxBusyPct(2000);
  }
  const speedBefore = await boxSpeed();
  try {
    database = await createTestDatabase();
    const secret = randomBytes(32).toString('base64url');
    pool = new Pool({ connectionString: database.url, max: 8 });
    pool.on('error', () => undefined); // an idle client cut off by the final drop must not crash the run
    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/7';
    starting = profile === 'production'
      ? startProductionSystem({
          databaseUrl: database.url, secret, pool, redisUrl, kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
          kafkaTopic: `datebook.bench.${stamp}`, logDir: join(outDir, `logs-${stamp}`), ...(profDir ? { cpuProfDir: profDir } : {}),
        })
      : startEmbeddedSystem({ databaseUrl: database.url, secret, pool, ...(profDir ? { cpuProfDir: profDir } : {}) });
    const system = await starting;
    const ctx = createContext({
      quick, system, pool, databaseUrl: database.url, redisUrl: profile === 'production' ? redisUrl : undefined,
      tokens: jwtTokenService(secret, 12 * 3600, () => new Date()), concurrency: 32,
    });
    ctx.log(`${system.description}; sections: ${selected.join(', ')}${quick ? ' (quick)' : ''}`);

    const failures: Record<string, string> = {};
    for (const name of selected) {
      const t0 = Date.now();
      ctx.log(`section ${name}…`);
      try {
        await SECTIONS[name]!(ctx);
      } catch (error) {
        failures[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        ctx.figures.push({ section: name, figure: `${name}: FAILED`, value: null, unit: '', notes: String(error instanceof Error ? error.message : error) });
        console.error(`section ${name} failed:`, error);
      }
      ctx.log(`section ${name} done in ${Math.round((Date.now() - t0) / 1000)} s`);
    }

    // Stopped before the profiles are read: --cpu-prof writes them as the processes exit.
    const { description, cpuProfiles } = system;
    await system.stop();
    const profiles = Object.fromEntries(Object.entries(cpuProfiles).map(([name, dir]) => [name, { dir, ...summariseProfiles(dir) }]));
    const speedAfter = await boxSpeed();

    const table = formatTable(ctx.figures);
    const sizing = sizingOf(ctx.details);
    console.log(`\nDatebook bench — ${profile} profile, ${quick ? 'QUICK smoke run' : 'full run'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s; other load on the box before start: ${busyBefore}% of a core`);
    console.log(`box speed (fixed work; compare runs by these): before ${boxSpeedNote(speedBefore)}; after ${boxSpeedNote(speedAfter)}\n`);
    console.log(table);
    if (sizing) console.log(`\n${sizing.text}`);
    for (const [name, summary] of Object.entries(profiles)) {
      console.log(`\n${name} CPU profile (self time, % of busy samples; ${summary.dir}):`);
      for (const p of summary.packages.slice(0, 12)) console.log(`  ${String(p.pct).padStart(5)}%  ${p.name}`);
      console.log('  top functions:');
      for (const f of summary.functions.slice(0, 15)) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
    }
    const result = {
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      profile,
      system: description,
      quick,
      sections: selected,
      boxBusyBeforePct: busyBefore,
      boxSpeed: { before: speedBefore, after: speedAfter },
      machine: { cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, cpu: cpus()[0]?.model },
      figures: ctx.figures,
      details: ctx.details,
      ...(sizing ? { fleetSizing: sizing.lines } : {}),
      failures,
      ...(profDir ? { cpuProfiles: profiles } : {}),
    };
    const json = JSON.stringify(result, null, 2);
    writeFileSync(join(outDir, `results-${stamp}.json`), json);
    writeFileSync(join(outDir, 'latest.json'), json);
    console.log(`\nwrote .bench/results-${stamp}.json and .bench/latest.json`);
    return Object.keys(failures).length ? 1 : 0;
  } finally {
    await cleanup();
  }
}

type Measured = { throughput: number; cpu: CpuSplit };

/**
 * The fleet sizing, when the run measured both a booking at a rate every consumer keeps up with (the
 * projection-lag run at 200/s) and a week view at saturation (5 calendars, else one).
 */
function sizingOf(details: Record<string, unknown>) {
  const lag = details.projectionLag as Record<string, { bookings?: Measured }> | undefined;
  const booking = lag?.['200PerS']?.bookings ?? Object.values(lag ?? {}).find((run) => run.bookings)?.bookings;
  const calendars = details.calendars as { weekView?: { five?: { result: { throughput: number }; cpu: CpuSplit }[] } } | undefined;
  const five = calendars?.weekView?.five?.reduce((best, round) => (round.result.throughput > best.result.throughput ? round : best));
  const single = (details.weekView as { saturation?: Measured } | undefined)?.saturation;
  const read = five ? { name: 'week view, 5 calendars', throughput: five.result.throughput, cpu: five.cpu } : single && { name: 'week view', ...single };
  if (!booking?.cpu || !read?.cpu) return undefined;
  const bookingCost = operationCost('booking', booking.cpu, booking.throughput);
  const readCost = operationCost(read.name, read.cpu, read.throughput, ['postgresql', 'redis']);
  const lines = fleetSizing(bookingCost, readCost);
  return { lines, text: formatFleetSizing(lines, bookingCost, readCost) };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
