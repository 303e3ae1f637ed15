import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inboundMailConfig, subscriptionConfig } from '@datebook/command-api';
import { assertUsableSecret, MIN_SECRET_BYTES } from '@datebook/shared-kernel/http';
import { httpEdgeConfig } from '@datebook/shared-kernel/runtime';
import { z } from 'zod';

/** Every setting of the embedded default, read once at start; a bad value stops the process naming the key. */
export const EmbeddedConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port of the single process'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on'),
  DATA_DIR: z.string().default('./data').describe('Where the embedded PostgreSQL (PGlite) keeps its files'),
  DATABASE_URL: z.string().url().optional().describe('Use this PostgreSQL server instead of embedded PGlite'),
  JWT_SECRET: z.string().min(MIN_SECRET_BYTES).optional().describe(`HS256 signing secret (≥ ${MIN_SECRET_BYTES} bytes); generated and kept in DATA_DIR/jwt-secret (mode 0600) when unset`),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(43200).describe('Lifetime of a session token'),
  SMTP_URL: z.string().url().optional().describe('Send e-mail through this SMTP server (smtp://user:pass@host:port); unset: .eml files under DATA_DIR/mail'),
  MAIL_FROM: z.string().default('Datebook <calendar@datebook.invalid>').describe('Sender of notification e-mails'),
  PUBLIC_URL: z.string().url().optional().describe('Where users reach Datebook: the base of the links in e-mails and of secret feed addresses; http://HOST:PORT when unset'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  ...httpEdgeConfig(),
  // Answers by mail (iMIP): off unless INBOUND_MAIL_DOMAIN is set; the listener then runs in this process too.
  ...inboundMailConfig,
  // Subscriptions to calendars by URL: polled in this process too.
  ...subscriptionConfig,
});
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;

/**
 * The signing secret: JWT_SECRET, else the one kept in `DATA_DIR/jwt-secret`, made (256 random bits,
 * readable by the owner only) on first start. Either must be at least 32 bytes (RFC 7518 §3.2): an
 * empty or truncated file stops the start with a message naming it, rather than signing with it.
 */
export function embeddedJwtSecret(config: Pick<EmbeddedConfig, 'JWT_SECRET'>, dataDir: string): string {
  if (config.JWT_SECRET !== undefined) {
    assertUsableSecret(config.JWT_SECRET, 'JWT_SECRET');
    return config.JWT_SECRET;
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  // A file made by hand (or before) keeps the mode it was given: the owner's alone all the same.
  chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  assertUsableSecret(secret, `the secret in ${file}`);
  return secret;
}

/** Where users reach the process: PUBLIC_URL, else the address it listens on (a wildcard HOST read as loopback). */
export function embeddedPublicUrl(config: Pick<EmbeddedConfig, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  if (config.PUBLIC_URL !== undefined) return config.PUBLIC_URL;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}
