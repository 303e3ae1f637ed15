import { httpEdgeConfig, readConfig, runMain } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { gateway } from './gateway/gateway';

/** One service's replicas: comma-separated URLs, which requests take in turn. */
const replicaUrls = (fallback: string) =>
  z.string().default(fallback).transform((list) => list.split(',').map((url) => url.trim()).filter(Boolean)).pipe(z.array(z.url()).min(1));

const GatewayConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('The one public HTTP port'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on'),
  COMMAND_API_URL: replicaUrls('http://127.0.0.1:3001').describe('Where the command API listens (comma-separated: its replicas, taken in turn)'),
  QUERY_API_URL: replicaUrls('http://127.0.0.1:3002').describe('Where the query API listens (comma-separated: its replicas, taken in turn)'),
  NOTIFIER_URL: replicaUrls('http://127.0.0.1:3004').describe('Where the notifier listens (comma-separated: its replicas, taken in turn)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  ...httpEdgeConfig(),
});

runMain(async () => {
  const config = readConfig(GatewayConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'gateway' });
  const server = gateway({
    logger,
    upstreams: { command: config.COMMAND_API_URL, query: config.QUERY_API_URL, notifier: config.NOTIFIER_URL },
    ...(config.OPS_TOKEN ? { opsToken: config.OPS_TOKEN } : {}),
    corsOrigins: config.CORS_ORIGINS,
  });
  server.listen(config.PORT, config.HOST, () => logger.info({ port: config.PORT }, 'gateway is up'));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
