import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { calendarEventStreamName } from '@datebook/shared-kernel';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { EVENT_STORE_SCHEMA, READ_MODEL_SCHEMA } from '@datebook/shared-kernel/ports';
import { createTestDatabase, freePort, type TestDatabase } from '@datebook/shared-kernel/testing';
import { Pool } from 'pg';
import { compiledServices } from '../deploy/src/stack/compiledServices';
import { serviceProcess, type ServiceProcess } from '../deploy/src/stack/serviceProcess';
import { boxBusyPct, cpuNote, startCpuMeter } from './cpuMeter';
import { appendRows, makeUsers } from './fixtures';
import { saturate } from './loadGenerator';
import { summariseProfileWindow } from './profileWindow';
import { bookingRequest, rawInserts } from './sections/bookings';

/**
 * The write path of one booking, alone: command-api as its own process (compiled, as the stack runs
 * it) on a fresh PostgreSQL database, `POST /events` with 3 invitees at saturation over N keep-alive
 * connections. Prints bookings/s, latency, and CPU per booking of command-api and of the database's
 * backends; with --prof, command-api runs under --cpu-prof and the load phase of its profile is summarised.
 * No relay, projector or Kafka: the read model the conflict warnings read exists but stays empty.
 *
 * Then the ceiling: raw single-row INSERT transactions on the same database (--no-raw skips it).
 *
 *   node --import tsx bench/bookingLoad.ts [--seconds 15] [--connections 32] [--users 1000] [--prof] [--no-raw]
 */
const root = resolve(__dirname, '..');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

async function main(): Promise<void> {
  const seconds = option('seconds', 15);
  const connections = option('connections', 32);
  const userCount = option('users', 1000);
  const profiling = process.argv.includes('--prof');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const workDir = join(root, '.bench', `bookingLoad-${stamp}`);
  mkdirSync(workDir, { recursive: true });

  let database: TestDatabase | undefined;
  let pool: Pool | undefined;
  let commandApi: ServiceProcess | undefined;
  const cleanUp = async () => {
    await commandApi?.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await database?.drop().catch(() => undefined);
  };
  // Ctrl-C still stops command-api and drops the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  // Bounded whatever happens: the whole run may take the load, start-up and fixtures, with room to spare.
  const watchdog = setTimeout(() => void cleanUp().finally(() => process.exit(124)), (seconds + 180) * 1000);
  watchdog.unref();

  try {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => undefined);
    await pool.query(EVENT_STORE_SCHEMA);
    await pool.query(READ_MODEL_SCHEMA);
    const secret = randomBytes(32).toString('hex');
    const tokens = jwtTokenService(secret, 43_200, () => new Date());
    const { users, rows } = makeUsers(userCount, 'load', 'Europe/Berlin', tokens);
    await appendRows(pool, rows, { oneTransaction: true });

    const profDir = join(workDir, 'prof');
    commandApi = serviceProcess({
      name: 'command-api', entry: (await compiledServices(['command-api']))['command-api'], port: await freePort(), logDir: workDir,
      env: { DATABASE_URL: database.url, JWT_SECRET: secret, LOG_LEVEL: 'warn', REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/7' },
      nodeArgs: profiling ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    });
    await commandApi.start();
    const url = new URL(commandApi.url);
    const target = { host: url.hostname, port: Number(url.port) };
    const request = bookingRequest(users, '2030-07-01', 1);
    const ok = (status: number) => status === 201;

    await saturate(target, connections, { request, durationMs: 3000, ok }); // warm-up: JIT, sockets, pool
    const busyBefore = await boxBusyPct(1000);
    const databaseName = new URL(database.url).pathname.slice(1);
    const meterPool = pool;
    const stopMeter = await startCpuMeter({ name: 'command-api', pid: commandApi.pid! }, {
      processes: () => [{ name: 'command-api', pid: commandApi!.pid! }],
      // Backends of this database only: the server's WAL writer and checkpointer also serve others' databases here.
      pgPids: async () => (await meterPool.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName])).rows.map((r) => r.pid),
    });
    // Transactions the database ran (autocommitted statements count one each): round trips per booking.
    const transactions = async () => Number((await meterPool.query<{ n: string }>('select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = $1', [databaseName])).rows[0]?.n ?? 0);
    const settleStats = () => new Promise((done) => setTimeout(done, 1500)); // backends report their counts within a second or so
    await settleStats();
    const transactionsBefore = await transactions();
    const loadStarted = Date.now();
    const result = await saturate(target, connections, { request, durationMs: seconds * 1000, ok });
    const cpu = await stopMeter();
    const loadMs = Date.now() - loadStarted;
    if (result.ok === 0) throw new Error(`no booking succeeded: ${result.firstError}`);
    await settleStats();
    const transactionsPerBooking = Math.round(((await transactions()) - transactionsBefore) / result.ok * 100) / 100;

    // Bookings per commit: how many appends group commit wrote together (the warm-up's included).
    const commits = (await meterPool.query<{ streams: string; commits: string }>(
      `select count(distinct stream_name)::text as streams, count(distinct transaction_id)::text as commits from es_events where stream_name like $1`,
      [`${calendarEventStreamName('')}%`],
    )).rows[0];
    const bookingsPerCommit = Math.round((Number(commits?.streams) / Number(commits?.commits)) * 10) / 10;
    const perBooking = (pctOfCore: number) => Math.round(((pctOfCore / 100) * (result.durationMs / result.ok)) * 100) / 100;
    console.log(JSON.stringify({
      connections, seconds, users: userCount, profiling, boxBusyBeforePct: busyBefore,
      bookingsPerSecond: result.throughput, ok: result.ok, errors: result.errors, statuses: result.statuses, firstError: result.firstError,
      latencyMs: result.latency, commandApiCpuMsPerBooking: perBooking(cpu.measuredPct), postgresBackendsCpuMsPerBooking: perBooking(cpu.pgPct), transactionsPerBooking, bookingsPerCommit,
      cpu: cpuNote(cpu),
    }, null, 2));

    if (!process.argv.includes('--no-raw')) {
      const raw = await rawInserts(database.url, connections, seconds * 1000);
      const ratio = Math.round((result.throughput / raw.throughput) * 1000) / 10;
      console.log(JSON.stringify({ rawInsertTxPerSecond: raw.throughput, rawP99Ms: raw.latency.p99Ms, bookingsPctOfRaw: ratio }));
    }

    if (profiling) {
      const untilStop = Date.now();
      await commandApi.stop(); // the profile is written on exit
      const window = loadMs + (Date.now() - untilStop);
      const summary = summariseProfileWindow(profDir, window);
      const line = (entry: { name: string; ms: number }) => `  ${String(Math.round((entry.ms / result.ok) * 1000)).padStart(5)} µs/booking  ${entry.name}`;
      console.log(`\ncommand-api profile, last ${window} ms (${summary.busyMs} ms busy, ${Math.round((summary.busyMs / result.ok) * 1000)} µs per booking; profiling itself costs some):`);
      console.log('by package (self):');
      summary.packages.forEach((e) => console.log(line(e)));
      console.log('by function (self):');
      summary.self.forEach((e) => console.log(line(e)));
      console.log('by function (inclusive):');
      summary.inclusive.forEach((e) => console.log(line(e)));
      console.log(`\nprofile: ${profDir}`);
    }
  } finally {
    await cleanUp();
    if (!profiling) rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
