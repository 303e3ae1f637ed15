import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { openEventStore } from '@datebook/shared-kernel/runtime';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { compiledServices, type ServiceName } from './compiledServices';
import { type ServiceProcess, serviceProcess } from './serviceProcess';

export interface StackOptions {
  /** The gateway's port; services take the next five (replica r and event-store shard r: ten more per r). */
  port: number;
  /** The read model (and, unsharded, the event store). */
  databaseUrl: string;
  jwtSecret: string;
  kafkaBrokers: string;
  kafkaTopic: string;
  redisUrl: string;
  logDir: string;
  dataDir: string;
  logLevel: string;
  /** Run deploy/scripts/components-up.sh first (PostgreSQL, Redis, the Redis Cluster, Kafka). */
  provisionComponents: boolean;
  smtpUrl?: string;
  /** Answers by mail (iMIP): the reply domain, given to the notifier and the command API, whose listener takes `inboundSmtpPort`. */
  inboundMailDomain?: string;
  /** The command API's inbound mail listener (with `inboundMailDomain`); default: the gateway's port + 6 (+ 10 per further replica). */
  inboundSmtpPort?: number;
  /** Extra Node arguments per service name (e.g. `{ 'query-api': ['--cpu-prof'] }`). */
  nodeArgs?: Partial<Record<string, string[]>>;
  logger: Logger;
  /**
   * The scale-out profile: how many processes of each of the command API, query API, projector and notifier
   * (the gateway takes requests in turn; projectors and notifiers share their consumer groups' partitions). Default 1.
   */
  replicas?: number;
  /** The event store split by stream over these databases (created when missing), each with its own relay; unset: in `databaseUrl`. */
  eventStoreUrls?: string[];
  /** The views and counters on this Redis Cluster (`host:port` of its masters) instead of `redisUrl`. */
  redisClusterNodes?: string[];
  /** Partitions of the topic when the relay creates it (default: the relay's, 4). */
  kafkaPartitions?: number;
}

const root = resolve(__dirname, '../../..');

/**
 * Node flags of the services that allocate most per request or event. A young generation of 64 MiB per
 * semi-space (16 by default) lets a free/busy answer's or a batch's garbage die before it is scavenged:
 * in the bench the query API's scavenges took half the time (3.6 s against 7.3 s over the availability
 * section) and its CPU per free/busy request fell by a fifth; the projections' per event by about a tenth; the
 * notifier's per booking by a sixth and the relay's by a tenth (bookings section, two runs each; the command
 * API's did not move, so it keeps the default).
 * It costs up to ≈ 100 MiB more memory per process. The cluster manifests set the same in NODE_OPTIONS.
 */
const SERVICE_NODE_ARGS: Partial<Record<ServiceName, string[]>> = {
  'query-api': ['--max-semi-space-size=64'],
  projector: ['--max-semi-space-size=64'],
  notifier: ['--max-semi-space-size=64'],
  relay: ['--max-semi-space-size=64'],
};

function run(script: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((done, fail) =>
    execFile(resolve(root, script), { timeout: 300_000, env: { ...process.env, ...env } }, (error, _stdout, stderr) => (error ? fail(new Error(`${script}: ${stderr || error.message}`)) : done())),
  );
}

/** Creates the database named in the URL when it does not exist yet. */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`DATABASE_URL names an unusable database "${name}"`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
}

/**
 * The shards' tables and records, made (or checked) once here: processes started together would otherwise
 * race to create the same tables, and a shard list in another order is refused before anything starts.
 */
async function prepareEventStoreShards(readModelUrl: string, urls: string[]): Promise<void> {
  const readModel = pgSqlDatabase({ connectionString: readModelUrl, max: 1 });
  try {
    const { close } = await openEventStore({ EVENT_STORE: 'postgres', EVENT_STORE_URLS: urls, EVENT_STORE_POOL_SIZE: 1 }, readModel);
    await close();
  } finally {
    await readModel.close();
  }
}

/** The local ports of a cluster whose nodes are all on this machine (ours to start), or none. */
function localClusterPorts(nodes: readonly string[]): number[] | undefined {
  const parsed = nodes.map((node) => new URL(/^rediss?:\/\//.test(node) ? node : `redis://${node}`));
  return parsed.every((url) => ['127.0.0.1', 'localhost'].includes(url.hostname)) ? parsed.map((url) => Number(url.port || 6379)) : undefined;
}

/**
 * The production profile on one machine: each service its own process behind one gateway port, events
 * fanned out through Kafka. Processes start in dependency order (the store's schema first). With
 * `replicas` > 1 (the scale-out profile), the first process of each service starts as in the default
 * profile, which creates every table, then the other replicas start all at once.
 */
export async function startProductionStack(options: StackOptions) {
  const replicas = options.replicas ?? 1;
  const shardUrls = options.eventStoreUrls ?? [];
  const clusterNodes = options.redisClusterNodes ?? [];
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a whole number of at least 1, not ${replicas}`);
  if (options.provisionComponents) {
    await run('deploy/scripts/components-up.sh');
    const ports = localClusterPorts(clusterNodes);
    if (clusterNodes.length > 0 && ports) await run('deploy/scripts/redis-cluster-ensure.sh', { REDIS_CLUSTER_PORTS: ports.join(',') });
  }
  await ensureDatabase(options.databaseUrl);
  for (const url of shardUrls) await ensureDatabase(url);
  if (shardUrls.length > 0) await prepareEventStoreShards(options.databaseUrl, shardUrls);

  // Replica r of the service in slot n listens on port + 10·r + n.
  const port = (n: number, r = 0) => options.port + 10 * r + n;
  // PostgreSQL's default max_connections is 100, and every pool opens connections up to its size under load:
  // with replicas and shards, each process's pools are made smaller so that two of each and two shards stay
  // within it (APIs 2 × 2 × (6 + 2 × 3), projectors and notifiers 2 × 2 × (4 + 2 × 3), relays 2 × 2: 92).
  const scaledPools = replicas > 1 || shardUrls.length > 0;
  const apiPools: Record<string, string> = scaledPools ? { DATABASE_POOL_SIZE: '6' } : {};
  // The operators' token (the caller's, or one of this stack's own): with it a service that does not get ready
  // tells the stack why (`/readyz` gives reasons to operators only).
  const opsToken = process.env.OPS_TOKEN ?? randomBytes(32).toString('base64url');
  const shared = {
    OPS_TOKEN: opsToken,
    ...(scaledPools ? { EVENT_STORE_POOL_SIZE: '3' } : {}),
    DATABASE_URL: options.databaseUrl, JWT_SECRET: options.jwtSecret, KAFKA_BROKERS: options.kafkaBrokers, KAFKA_TOPIC: options.kafkaTopic,
    LOG_LEVEL: options.logLevel, DATA_DIR: options.dataDir, REDIS_URL: options.redisUrl, ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    // Set either way, so a value in the caller's environment cannot turn the default profile into another.
    EVENT_STORE_URLS: shardUrls.join(','), REDIS_CLUSTER_NODES: clusterNodes.join(','),
    ...(options.inboundMailDomain ? { INBOUND_MAIL_DOMAIN: options.inboundMailDomain } : {}),
    // Links in account mail and the feed addresses given out point at the gateway.
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
  };
  // Each service runs compiled, as production runs it (see compiledServices.ts).
  const compiled = await compiledServices(['command-api', 'query-api', 'projector', 'notifier', 'relay', 'gateway']);
  const service = (name: ServiceName, n: number, r: number, env: Record<string, string> = {}) => {
    const named = r === 0 ? name : `${name}-${r + 1}`;
    const nodeArgs = [...(SERVICE_NODE_ARGS[name] ?? []), ...(options.nodeArgs?.[named] ?? [])];
    return serviceProcess({ name: named, entry: compiled[name], port: port(n, r), env: { ...shared, ...env }, logDir: options.logDir, nodeArgs });
  };
  const each = <T>(count: number, make: (r: number) => T): T[] => Array.from({ length: count }, (_, r) => make(r));
  const group = {
    // Behind the gateway, which writes the client's address in X-Forwarded-For.
    commandApi: each(replicas, (r) => service('command-api', 1, r, { ...apiPools, TRUST_PROXY: 'true', INBOUND_SMTP_PORT: String(options.inboundSmtpPort !== undefined ? options.inboundSmtpPort + 10 * r : port(6, r)) })),
    queryApi: each(replicas, (r) => service('query-api', 2, r, { ...apiPools, TRUST_PROXY: 'true' })),
    projector: each(replicas, (r) => service('projector', 3, r)),
    notifier: each(replicas, (r) => service('notifier', 4, r)),
    // One relay per store: each shard's relay reads that shard's log (its checkpoint kept in that database) into the one topic.
    relay: each(Math.max(1, shardUrls.length), (s) => service('relay', 5, s, {
      ...(shardUrls[s] ? { DATABASE_URL: shardUrls[s], EVENT_STORE_URLS: '' } : {}),
      ...(options.kafkaPartitions ? { KAFKA_PARTITIONS: String(options.kafkaPartitions) } : {}),
    })),
  };
  const urls = (list: ServiceProcess[]) => list.map((s) => s.url).join(',');
  const gateway = service('gateway', 0, 0, { COMMAND_API_URL: urls(group.commandApi), QUERY_API_URL: urls(group.queryApi), NOTIFIER_URL: urls(group.notifier) });
  const first = <T>(list: T[]) => list[0] as T;
  const services = { commandApi: first(group.commandApi), queryApi: first(group.queryApi), projector: first(group.projector), notifier: first(group.notifier), relay: first(group.relay), gateway };

  // Processes started together form one step; stopping undoes the steps in reverse, each step's processes at once.
  const steps: ServiceProcess[][] = [];
  const startTogether = async (step: ServiceProcess[]) => {
    // Counted before they are ready, so one that fails to get ready is stopped too.
    steps.push(step);
    const outcomes = await Promise.allSettled(step.map((s) => s.start()));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    for (const s of step) options.logger.info({ service: s.name, url: s.url }, 'started');
  };
  const stopAll = async () => {
    for (const step of [...steps].reverse()) await Promise.all(step.map((s) => s.stop()));
  };
  try {
    // The relay creates the topic the consumers join, so it starts before them; the projector creates the
    // read model, which the query API only reads (it is not ready before the tables exist), so it starts first.
    for (const s of [services.commandApi, services.relay, services.projector, services.queryApi, services.notifier]) await startTogether([s]);
    // Every table exists now: the other replicas and relays may start together.
    const rest = [...group.relay, ...group.commandApi, ...group.projector, ...group.queryApi, ...group.notifier].filter((s) => !Object.values(services).includes(s));
    if (rest.length > 0) await startTogether(rest);
    await startTogether([gateway]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    url: gateway.url,
    /** The first process of each service (the only one in the default profile). */
    services,
    /** Every process of each service: the replicas, and the relays (one per event-store shard). */
    replicas: group,
    stop: stopAll,
  };
}

export type ProductionStack = Awaited<ReturnType<typeof startProductionStack>>;
