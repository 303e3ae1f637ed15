import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NOTIFIER_CONSUMER_GROUP } from '@datebook/notifier';
import { CALENDAR_VIEWS_CONSUMER_GROUP, READ_MODEL_CONSUMER_GROUP } from '@datebook/projector';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import pino from 'pino';
import { type ProductionStack, startProductionStack } from '../../deploy/src/stack/productionStack';
import { eventsAfter, logPointReached, storeHead } from '../fixtures';
import { openVisibilityProbe, waitUntilVisible } from '../visibility';
import type { BenchSystem, ServiceTarget } from './benchSystem';
import { openKafkaProgress } from './kafkaProgress';
import { benchDatabasePgPids } from './pgProcesses';

const root = resolve(__dirname, '../..');
const CONSUMER_GROUPS = [READ_MODEL_CONSUMER_GROUP, CALENDAR_VIEWS_CONSUMER_GROUP, NOTIFIER_CONSUMER_GROUP];
/** The services whose figures the bench measures, and hence the ones BENCH_CPU_PROF profiles. */
const MEASURED_SERVICES = ['command-api', 'query-api'];

export interface ProductionSystemOptions {
  databaseUrl: string;
  secret: string;
  pool: Pool;
  kafkaBrokers: string;
  /** A topic of this run's own, so no other stack or test sees its events. */
  kafkaTopic: string;
  /** A Redis database of the bench's own: flushed at start and at stop. */
  redisUrl: string;
  logDir: string;
  cpuProfDir?: string;
}

function runScript(script: string): Promise<void> {
  return new Promise((done, fail) =>
    execFile(resolve(root, script), { timeout: 300_000 }, (error, _stdout, stderr) => (error ? fail(new Error(`${script}: ${stderr || error.message}`)) : done())),
  );
}

const portIsFree = (port: number) =>
  new Promise<boolean>((answer) => {
    const probe = createServer();
    probe.once('error', () => answer(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => answer(true)));
  });

/** A base port with it and the next five free (the stack's gateway and five services). */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 2000) * 10;
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => portIsFree(base + n)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('found no six free consecutive ports');
}

/** The broker started by deploy/scripts/kafka-start.sh, from its pid file (verified: pids get reused). */
function kafkaBrokerPid(): number | undefined {
  const pidFile = join(root, '.kafka/kafka.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The default profile: `startProductionStack` (deploy/src/stack) exactly as `npm run stack` runs it —
 * command API, query API, projector, notifier, relay and gateway each its own Node process, events
 * from the PostgreSQL store through the relay and Kafka to the projector (read model in PostgreSQL,
 * per-user views in Redis) — on the bench's own database, topic and Redis database.
 */
export async function startProductionSystem(options: ProductionSystemOptions): Promise<BenchSystem> {
  await runScript('deploy/scripts/components-up.sh');
  const brokers = options.kafkaBrokers.split(',').map((b) => b.trim()).filter(Boolean);
  const kafka = await openKafkaProgress({ brokers, topic: options.kafkaTopic, pool: options.pool });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  // Undone in reverse order, once, whether the start failed half-way or the run is over.
  const cleanups: (() => Promise<unknown>)[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const step of [...cleanups].reverse()) await step().catch((e: unknown) => console.error('bench cleanup step failed:', e));
    })());
  cleanups.push(() => kafka.close());
  try {
    // Consumer group ids are fixed and per broker: a stack running on this broker would share its
    // groups with ours, and the two would swap partitions of each other's topics.
    const busy = await kafka.activeGroups(CONSUMER_GROUPS);
    if (busy.length) {
      throw new Error(`consumer group(s) ${busy.join(', ')} have live members on ${options.kafkaBrokers} (a running \`npm run stack\`?): the bench's processes would join them. Stop it, or use BENCH_PROFILE=embedded`);
    }
    cleanups.push(() => kafka.deleteTopic());
    await redis.connect();
    cleanups.push(() => redis.quit(), () => redis.flushdb());
    await redis.flushdb();
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || undefined;

    const dir = mkdtempSync(join(tmpdir(), 'datebook-bench-stack-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const cpuProfiles: Record<string, string> = {};
    const nodeArgs: Record<string, string[]> = {};
    if (options.cpuProfDir) {
      for (const name of MEASURED_SERVICES) {
        cpuProfiles[name] = join(options.cpuProfDir, name);
        mkdirSync(cpuProfiles[name], { recursive: true });
        nodeArgs[name] = ['--cpu-prof', `--cpu-prof-dir=${cpuProfiles[name]}`];
      }
    }
    const SERVICES = ['command-api', 'query-api', 'projector', 'notifier', 'relay', 'gateway'];
    // BENCH_NODE_ARGS="query-api=--trace-gc,--max-semi-space-size=64;projector=…": Node flags for an experiment.
    for (const part of (process.env.BENCH_NODE_ARGS ?? '').split(';').filter(Boolean)) {
      const at = part.indexOf('=');
      const name = part.slice(0, at).trim();
      if (at < 0 || !SERVICES.includes(name)) throw new Error(`BENCH_NODE_ARGS: "${part}" is not service=flag,flag with a service of ${SERVICES.join(', ')}`);
      nodeArgs[name] = [...(nodeArgs[name] ?? []), ...part.slice(at + 1).split(',').map((f) => f.trim()).filter(Boolean)];
    }
    const port = await freePortBase();
    const started = await startProductionStack({
      port, databaseUrl: options.databaseUrl, jwtSecret: options.secret, kafkaBrokers: options.kafkaBrokers, kafkaTopic: options.kafkaTopic,
      redisUrl: options.redisUrl, logDir: options.logDir, dataDir: dir, logLevel: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'warn',
      provisionComponents: false, nodeArgs, logger: pino({ level: 'warn', name: 'bench-stack' }),
    });
    cleanups.push(() => stopWithin(started, 30_000));

    const target = (name: 'commandApi' | 'queryApi'): ServiceTarget => {
      const service = started.services[name];
      const url = new URL(service.url);
      return { name: service.name, host: url.hostname, port: Number(url.port), pid: service.pid ?? 0 };
    };
    const visibility = await openVisibilityProbe({ databaseUrl: options.databaseUrl, redis });
    cleanups.push(() => visibility.close());
    let notifierRunning = true;
    const kafkaPid = kafkaBrokerPid();

    return {
      profile: 'production',
      description: `production: ${Object.values(started.services).map((s) => `${s.name} (pid ${s.pid}, ${s.url.replace('http://127.0.0.1', '')})`).join(', ')}; topic ${options.kafkaTopic}; ${options.redisUrl}; logs ${options.logDir}`,
      commands: target('commandApi'),
      queries: target('queryApi'),
      projector: { name: started.services.projector.name, pid: started.services.projector.pid ?? 0 },
      cpu: {
        processes: () => Object.values(started.services).flatMap((s) => (s.pid ? [{ name: s.name, pid: s.pid }] : [])),
        pgPids: () => benchDatabasePgPids(options.pool),
        generatorPgPids: () => { const pid = visibility.pgPid(); return pid === undefined ? [] : [pid]; },
        ...(redisPid ? { redisPid } : {}),
        ...(kafkaPid ? { kafkaPid } : {}),
      },
      visibility,
      cpuProfiles,
      waitUntilProjected: (tail, timeoutMs) => waitUntilVisible(visibility, tail.streams, timeoutMs, 50),
      async waitUntilQuiet(timeoutMs) {
        const t0 = performance.now();
        const head = await storeHead(options.pool);
        if (!head) return 0;
        await pollUntil(async () => logPointReached(await kafka.relayCheckpoint(), head), { timeoutMs, pollMs: 50, what: 'the relay publishing the store head' });
        const groups = notifierRunning ? CONSUMER_GROUPS : CONSUMER_GROUPS.filter((g) => g !== NOTIFIER_CONSUMER_GROUP);
        let lag: Record<string, number> = {};
        await pollUntil(async () => Object.values((lag = await kafka.lag(groups))).every((n) => n === 0), {
          timeoutMs: Math.max(1000, timeoutMs - (performance.now() - t0)), pollMs: 100, what: () => `the consumer groups catching up (lag ${JSON.stringify(lag)})`,
        });
        return performance.now() - t0;
      },
      async backlog() {
        const relay = await kafka.relayCheckpoint();
        const groups = notifierRunning ? CONSUMER_GROUPS : CONSUMER_GROUPS.filter((g) => g !== NOTIFIER_CONSUMER_GROUP);
        return { relay: relay ? await eventsAfter(options.pool, relay) : Number.NaN, ...(await kafka.lag(groups)) };
      },
      async stopNotifier() {
        await started.services.notifier.stop();
        notifierRunning = false;
      },
      async stop() {
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Stops the stack (SIGTERM, each finishes what it holds); whatever still runs after `ms` is killed. */
async function stopWithin(stack: ProductionStack, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  const outcome = await Promise.race([stack.stop().then(() => 'stopped' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    console.error(`the stack did not stop within ${ms} ms; killing what is left`);
    await Promise.all(Object.values(stack.services).map((s) => s.kill()));
  }
}
