import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onShutdownSignal, readConfig, runMain } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { startProductionStack } from './stack/productionStack';

const StackConfig = z.object({
  PORT: z.coerce.number().int().min(1).max(65530).default(3000).describe('The gateway port; the services listen on the next five'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/datebook').describe('PostgreSQL database of the stack (created when missing)'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092').describe('Kafka brokers'),
  KAFKA_TOPIC: z.string().default('datebook.events').describe('Topic of the event log'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis for the per-user calendar views'),
  DATA_DIR: z.string().default('./data/stack').describe('Logs, the JWT secret and .eml files of the stack'),
  JWT_SECRET: z.string().min(32).optional().describe('Shared HS256 secret; generated into DATA_DIR when unset'),
  SMTP_URL: z.url().optional().describe('SMTP server for the notifier; unset: .eml files under DATA_DIR/mail'),
  INBOUND_MAIL_DOMAIN: z.string().min(1).optional().describe("Reply domain of answers by mail (iMIP); the command API's listener then takes port PORT + 6"),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level of every service'),
});

// `npm run stack`: the production profile in the foreground; Ctrl-C, SIGTERM or SIGHUP stops all it started.
runMain(async () => {
  const config = readConfig(StackConfig, process.env);
  const logger = pino({ level: 'info', name: 'stack' });
  const dataDir = resolve(config.DATA_DIR);
  // Logs, the signing secret and mail: the owner's alone, whatever the umask.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const secretFile = join(dataDir, 'jwt-secret');
  if (!config.JWT_SECRET && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  if (existsSync(secretFile)) chmodSync(secretFile, 0o600);
  const starting = startProductionStack({
    port: config.PORT, databaseUrl: config.DATABASE_URL, jwtSecret: config.JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
    kafkaBrokers: config.KAFKA_BROKERS, kafkaTopic: config.KAFKA_TOPIC, redisUrl: config.REDIS_URL, logDir: join(dataDir, 'logs'), dataDir, logLevel: config.LOG_LEVEL,
    provisionComponents: true, logger, ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}), ...(config.INBOUND_MAIL_DOMAIN ? { inboundMailDomain: config.INBOUND_MAIL_DOMAIN } : {}),
  });
  // Listening from the start: a signal while the stack comes up stops what came up (a failed start cleans up itself).
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'stopping every service');
    await (await starting.catch(() => undefined))?.stop();
  });
  const stack = await starting;
  logger.info({ url: stack.url, logs: join(dataDir, 'logs') }, 'Datebook (production profile) is ready');
});
