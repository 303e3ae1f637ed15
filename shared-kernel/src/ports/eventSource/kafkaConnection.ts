import { Kafka, type LogEntry, logLevel, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { stopIdleKafkaTimers } from './kafkaIdleTimers';
import { quietKafkaFetches } from './kafkaQuietFetches';

/** Where the Kafka cluster is and how to reach it; the composition root builds it from config. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers; the rest of the cluster is discovered from them. */
  brokers: string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** TCP connect timeout per broker (kafkajs default 1 s). */
  connectionTimeoutMs?: number;
  /** Timeout of one request (kafkajs default 30 s). */
  requestTimeoutMs?: number;
}

/** SASL settings as read from config (`KAFKA_SASL_*`, see runtime/config.ts `kafkaSaslConfig`). */
export interface KafkaSaslSettings {
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

/** The `sasl` of a connection from config: none without a mechanism; a mechanism needs both username and password. */
export function kafkaSaslOf(settings: KafkaSaslSettings): KafkaConnectionOptions['sasl'] {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (!mechanism) return undefined;
  const missing = [username ? undefined : 'KAFKA_SASL_USERNAME', password ? undefined : 'KAFKA_SASL_PASSWORD'].filter(Boolean);
  if (!username || !password) throw new Error(`invalid configuration: ${missing.map((key) => `${key}: required with KAFKA_SASL_MECHANISM`).join('; ')}`);
  return { mechanism, username, password };
}

// The relay is at-least-once by design and bounds retries so it can back off and stop on its own.
const IGNORED_MESSAGES = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);
// These log every failed request at ERROR, retried or not; the adapters log the outcome that matters.
const REQUEST_LEVEL_NAMESPACES = new Set(['Connection', 'BrokerPool']);

function saslOptions(sasl: NonNullable<KafkaConnectionOptions['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

// The event source restarts a crashed consumer and logs that itself, with context.
const isCrashReport = (namespace: string, message: string) => namespace === 'Consumer' && message.startsWith('Crash: ');

/** kafkajs behind pino: its warnings and errors, as objects, tagged with the kafkajs namespace. */
function pinoLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...context } = log;
      if (IGNORED_MESSAGES.has(message)) return;
      const fields = { ...context, kafkajs: namespace };
      if (REQUEST_LEVEL_NAMESPACES.has(namespace) || isCrashReport(namespace, message)) logger.debug(fields, message);
      else if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/**
 * A kafkajs client; kafkajs is unmaintained, so it stays inside the kafka* adapters. `retry` bounds
 * kafkajs' own connection retries (30 s by default) so the adapters notice an outage and back off themselves.
 */
export function kafkaClient(connection: KafkaConnectionOptions, logger: Logger, retry: RetryOptions): Kafka {
  stopIdleKafkaTimers();
  quietKafkaFetches();
  return new Kafka({
    brokers: connection.brokers,
    clientId: connection.clientId ?? 'datebook',
    ssl: connection.ssl,
    sasl: connection.sasl ? saslOptions(connection.sasl) : undefined,
    connectionTimeout: connection.connectionTimeoutMs,
    requestTimeout: connection.requestTimeoutMs,
    retry,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
  });
}

/** Exponential backoff with jitter, so many clients coming back after an outage do not retry in step. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(exponential * (0.8 + Math.random() * 0.2));
}
