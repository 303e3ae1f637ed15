import { z } from 'zod';

/** Every setting of the embedded default, read once at start; a bad value stops the process naming the key. */
export const EmbeddedConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port of the single process'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on'),
  DATA_DIR: z.string().default('./data').describe('Where the embedded PostgreSQL (PGlite) keeps its files'),
  DATABASE_URL: z.string().url().optional().describe('Use this PostgreSQL server instead of embedded PGlite'),
  JWT_SECRET: z.string().min(32).optional().describe('HS256 signing secret (≥ 32 chars); generated and kept in DATA_DIR when unset'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(43200).describe('Lifetime of a session token'),
  SMTP_URL: z.string().url().optional().describe('Send e-mail through this SMTP server (smtp://user:pass@host:port); unset: .eml files under DATA_DIR/mail'),
  MAIL_FROM: z.string().default('Datebook <calendar@datebook.invalid>').describe('Sender of notification e-mails'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
});
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;
