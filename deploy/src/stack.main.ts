import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onShutdownSignal, readConfig, runMain } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { startProductionStack } from './stack/productionStack';

const list = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const StackConfig = z.object({
  PORT: z.coerce.number().int().min(1).max(65530).default(3000).describe('The gateway port; the services listen on the next five (replica r and event-store shard r of the scale-out profile: ten more per r)'),
  STACK_REPLICAS: z.coerce.number().int().min(1).max(8).default(1).describe('Processes of each of the command API, query API, projector and notifier (also `npm run stack -- --replicas N`); 2 or more is the scale-out profile'),
  DATABASE_URL: z.url().optional().describe('PostgreSQL database of the read model (and of the events when they are not split); created when missing. Default postgres://postgres@127.0.0.1:5432/datebook, scale-out …/datebook_scaleout'),
  EVENT_STORE_URLS: list.pipe(z.array(z.url())).optional().describe('PostgreSQL databases the events are split over by stream, each with its own relay; created when missing. Scale-out default: EVENT_STORE_SHARDS databases named after DATABASE_URL’s, _events_1, _events_2, …'),
  EVENT_STORE_SHARDS: z.coerce.number().int().min(1).max(16).default(2).describe('How many event-store databases the scale-out profile makes when EVENT_STORE_URLS is unset (fixed once events are written)'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092').describe('Kafka brokers'),
  KAFKA_TOPIC: z.string().optional().describe('Topic of the event log. Default datebook.events, scale-out datebook.scaleout.events'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).optional().describe('Partitions of the topic when the relay creates it: how many consumers of a group share the work. Default 4, scale-out 8'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis for the per-user calendar views, when no cluster is named'),
  REDIS_CLUSTER_NODES: list.optional().describe('host:port of Redis Cluster masters for the views and counters (started by deploy/scripts/redis-cluster-ensure.sh when on this machine). Scale-out default 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003'),
  DATA_DIR: z.string().optional().describe('Logs, the JWT secret and .eml files of the stack. Default ./data/stack, scale-out ./data/stack-scaleout'),
  JWT_SECRET: z.string().min(32).optional().describe('Shared HS256 secret; generated into DATA_DIR when unset'),
  SMTP_URL: z.url().optional().describe('SMTP server for the notifier; unset: .eml files under DATA_DIR/mail'),
  INBOUND_MAIL_DOMAIN: z.string().min(1).optional().describe("Reply domain of answers by mail (iMIP); the command API's listener then takes port PORT + 6 (+ 10 per further replica)"),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level of every service'),
});

/** `--replicas N` (or `--replicas=N`) on the command line, which wins over STACK_REPLICAS. */
function replicasArgument(args: string[]): string | undefined {
  let replicas: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--replicas') replicas = args[++i];
    else if (arg.startsWith('--replicas=')) replicas = arg.slice('--replicas='.length);
    else throw new Error(`unknown argument "${arg}"; usage: npm run stack [-- --replicas N]`);
    if (replicas === undefined || replicas === '') throw new Error('--replicas needs a number; usage: npm run stack [-- --replicas N]');
  }
  return replicas;
}

/** The database URL with another database name (for the shards named after the read model's database). */
function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// `npm run stack`: the production profile in the foreground; Ctrl-C, SIGTERM or SIGHUP stops all it started.
// `npm run stack -- --replicas 2` (or STACK_REPLICAS=2): the scale-out profile, on databases, topic, Redis
// Cluster and data folder of its own by default, so it never mixes with the default profile's data.
runMain(async () => {
  const replicas = replicasArgument(process.argv.slice(2));
  const config = readConfig(StackConfig, { ...process.env, ...(replicas !== undefined ? { STACK_REPLICAS: replicas } : {}) });
  const scaleOut = config.STACK_REPLICAS > 1;
  const databaseUrl = config.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${scaleOut ? 'datebook_scaleout' : 'datebook'}`;
  const readModelName = new URL(databaseUrl).pathname.slice(1);
  const eventStoreUrls = config.EVENT_STORE_URLS ?? (scaleOut ? Array.from({ length: config.EVENT_STORE_SHARDS }, (_, i) => withDatabase(databaseUrl, `${readModelName}_events_${i + 1}`)) : []);
  const redisClusterNodes = config.REDIS_CLUSTER_NODES ?? (scaleOut ? ['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'] : []);
  const kafkaPartitions = config.KAFKA_PARTITIONS ?? (scaleOut ? 8 : undefined);
  const logger = pino({ level: 'info', name: 'stack' });
  const dataDir = resolve(config.DATA_DIR ?? (scaleOut ? './data/stack-scaleout' : './data/stack'));
  // Logs, the signing secret and mail: the owner's alone, whatever the umask.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const secretFile = join(dataDir, 'jwt-secret');
  if (!config.JWT_SECRET && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  if (existsSync(secretFile)) chmodSync(secretFile, 0o600);
  const starting = startProductionStack({
    port: config.PORT, databaseUrl, jwtSecret: config.JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
    kafkaBrokers: config.KAFKA_BROKERS, kafkaTopic: config.KAFKA_TOPIC ?? (scaleOut ? 'datebook.scaleout.events' : 'datebook.events'), redisUrl: config.REDIS_URL,
    logDir: join(dataDir, 'logs'), dataDir, logLevel: config.LOG_LEVEL, provisionComponents: true, logger,
    replicas: config.STACK_REPLICAS, eventStoreUrls, redisClusterNodes, ...(kafkaPartitions ? { kafkaPartitions } : {}),
    ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}), ...(config.INBOUND_MAIL_DOMAIN ? { inboundMailDomain: config.INBOUND_MAIL_DOMAIN } : {}),
  });
  // Listening from the start: a signal while the stack comes up stops what came up (a failed start cleans up itself).
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'stopping every service');
    await (await starting.catch(() => undefined))?.stop();
  });
  const stack = await starting;
  logger.info({ url: stack.url, logs: join(dataDir, 'logs'), replicas: config.STACK_REPLICAS, eventStoreShards: Math.max(1, eventStoreUrls.length), redis: redisClusterNodes.length > 0 ? 'cluster' : 'standalone' }, 'Datebook (production profile) is ready');
});
