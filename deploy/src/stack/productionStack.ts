import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { type ServiceProcess, serviceProcess } from './serviceProcess';

export interface StackOptions {
  /** The gateway's port; services take the next five. */
  port: number;
  databaseUrl: string;
  jwtSecret: string;
  kafkaBrokers: string;
  kafkaTopic: string;
  redisUrl: string;
  logDir: string;
  dataDir: string;
  logLevel: string;
  /** Run deploy/scripts/components-up.sh first (PostgreSQL, Redis, Kafka). */
  provisionComponents: boolean;
  smtpUrl?: string;
  /** Answers by mail (iMIP): the reply domain, given to the notifier and the command API, whose listener takes `inboundSmtpPort`. */
  inboundMailDomain?: string;
  /** The command API's inbound mail listener (with `inboundMailDomain`); default: the gateway's port + 6. */
  inboundSmtpPort?: number;
  /** Extra Node arguments per service name (e.g. `{ 'query-api': ['--cpu-prof'] }`). */
  nodeArgs?: Partial<Record<string, string[]>>;
  logger: Logger;
}

const root = resolve(__dirname, '../../..');

function run(script: string): Promise<void> {
  return new Promise((done, fail) =>
    execFile(resolve(root, script), { timeout: 300_000 }, (error, _stdout, stderr) => (error ? fail(new Error(`${script}: ${stderr || error.message}`)) : done())),
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
 * The production profile on one machine: each service its own process behind one gateway port,
 * events fanned out through Kafka. Processes start in dependency order (the store's schema first).
 */
export async function startProductionStack(options: StackOptions) {
  if (options.provisionComponents) await run('deploy/scripts/components-up.sh');
  await ensureDatabase(options.databaseUrl);
  const port = (n: number) => options.port + n;
  const shared = {
    DATABASE_URL: options.databaseUrl, JWT_SECRET: options.jwtSecret, KAFKA_BROKERS: options.kafkaBrokers, KAFKA_TOPIC: options.kafkaTopic,
    LOG_LEVEL: options.logLevel, DATA_DIR: options.dataDir, REDIS_URL: options.redisUrl, ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...(options.inboundMailDomain ? { INBOUND_MAIL_DOMAIN: options.inboundMailDomain } : {}),
    // Links in account mail and the feed addresses given out point at the gateway.
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
  };
  const service = (name: string, entry: string, n: number, env: Record<string, string> = {}) =>
    serviceProcess({ name, entry: resolve(root, entry), port: port(n), env: { ...shared, ...env }, logDir: options.logDir, nodeArgs: options.nodeArgs?.[name] ?? [] });
  const services = {
    // Behind the gateway, which writes the client's address in X-Forwarded-For.
    commandApi: service('command-api', 'command-api/src/main.ts', 1, { TRUST_PROXY: 'true', INBOUND_SMTP_PORT: String(options.inboundSmtpPort ?? port(6)) }),
    queryApi: service('query-api', 'query-api/src/main.ts', 2, { TRUST_PROXY: 'true' }),
    projector: service('projector', 'projector/src/main.ts', 3),
    notifier: service('notifier', 'notifier/src/main.ts', 4),
    relay: service('relay', 'deploy/src/relay.main.ts', 5),
    gateway: service('gateway', 'deploy/src/gateway.main.ts', 0, {
      COMMAND_API_URL: `http://127.0.0.1:${port(1)}`, QUERY_API_URL: `http://127.0.0.1:${port(2)}`, NOTIFIER_URL: `http://127.0.0.1:${port(4)}`,
    }),
  };
  const started: ServiceProcess[] = [];
  try {
    // The relay creates the topic the consumers join, so it starts before them; the projector creates the
    // read model, which the query API only reads (it is not ready before the tables exist), so it starts first.
    for (const s of [services.commandApi, services.relay, services.projector, services.queryApi, services.notifier, services.gateway]) {
      // Counted before it is ready, so one that fails to get ready is stopped too.
      started.push(s);
      await s.start();
      options.logger.info({ service: s.name, url: s.url }, 'started');
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return {
    url: services.gateway.url,
    services,
    async stop() {
      for (const s of [...started].reverse()) await s.stop();
    },
  };
}

export type ProductionStack = Awaited<ReturnType<typeof startProductionStack>>;
