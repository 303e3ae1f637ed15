import { z } from 'zod';

/** Reads a process's settings once; a bad value stops the process with a message naming the key. */
export function readConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid configuration: ${problems}`);
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
};
