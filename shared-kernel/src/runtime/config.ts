import { z } from 'zod';

/** Reads a process's settings once; a bad value stops the process with a message naming the key. */
export function readConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid configuration: ${problems}`);
}

/** Settings of the HTTP edge every service (and the gateway) shares. */
export function httpEdgeConfig() {
  return {
    OPS_TOKEN: z.string().min(32).optional().describe('Bearer token of the operators: only requests bearing it see /readyz reasons and details'),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.url({ protocol: /^https?$/ })))
      .describe('Comma-separated origins (https://app.example.com) whose pages may call the API; none by default'),
  };
}

/** Optional SASL for Kafka (KAFKA_SASL_MECHANISM with its username and password); see `kafkaSaslOf`. */
export function kafkaSaslConfig() {
  return {
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional().describe('SASL mechanism to authenticate to Kafka with; unset: no SASL'),
    KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('Kafka SASL user (with KAFKA_SASL_MECHANISM)'),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional().describe('Kafka SASL password (with KAFKA_SASL_MECHANISM)'),
  };
}

/** Settings every service process of the production profile shares. */
export const serviceConfig = {
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/datebook').describe('PostgreSQL holding the event store and the read model'),
  JWT_SECRET: z.string().min(32).describe('HS256 secret of the session tokens, the same in every service'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(43200).describe('Lifetime of a session token'),
  KAFKA_BROKERS: z.string().optional().describe('Comma-separated Kafka brokers; unset: consumers tail the event store directly'),
  KAFKA_TOPIC: z.string().default('datebook.events').describe('The topic the relay publishes the log to'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  ...httpEdgeConfig(),
  ...kafkaSaslConfig(),
};
