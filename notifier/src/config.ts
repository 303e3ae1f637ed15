import { eventStoreConfig, serviceConfig } from '@datebook/shared-kernel/runtime';
import { z } from 'zod';

/** Every setting of the standalone notifier, read once at start with `readConfig` (a bad value stops the process naming the key). */
export const NotifierConfig = z.object({
  ...serviceConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3004).describe('HTTP port of the notifier (devices, sync, notification ledger)'),
  DATABASE_URL: z.url().describe('PostgreSQL holding the event store (es_events) the notifier reads, unless EVENT_STORE=kurrent'),
  ...eventStoreConfig,
  NOTIFIER_DATABASE_URL: z.url().optional().describe("PostgreSQL for the notifier's own tables and checkpoint; defaults to DATABASE_URL"),
  SMTP_URL: z.url().optional().describe('smtp:// or smtps:// server to send through; unset: each message is written as an .eml file under DATA_DIR/mail'),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5).describe('Pooled SMTP connections'),
  MAIL_FROM: z.string().min(3).default('Datebook <calendar@datebook.invalid>').describe('From of every e-mail'),
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000').describe('Where users reach Datebook (the gateway): the base of the links in verification and password-reset e-mails'),
  DATA_DIR: z.string().default('./data').describe('Where .eml files go when SMTP_URL is unset'),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/, 'must be a mailto: or https: URI').default('mailto:calendar@datebook.invalid').describe('Contact for push services (RFC 8292 §2.1)'),
  REMINDER_LATE_AFTER_SECONDS: z.coerce.number().int().min(1).default(60).describe('A reminder sent later than this after its time is marked late'),
  SYNC_RETENTION_HOURS: z.coerce.number().int().min(1).default(168).describe('Sync history kept for polling devices; older tokens answer 410'),
  PUSH_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((host) => host.trim()).filter((host) => host !== ''))
    .describe('Comma-separated push endpoint hosts (host or host:port) exempt from the public-address check, where http is allowed too; empty: only https to public addresses'),
  SYNC_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100).default(5).describe('Open /sync/stream connections one user may hold; one more answers 429 with Retry-After'),
  SYNC_MAX_STREAMS: z.coerce.number().int().min(1).default(2000).describe('Open /sync/stream connections of this process in all; one more answers 503 with Retry-After'),
  MAIL_PER_SENDER_PER_HOUR: z.coerce.number().int().min(0).default(100).describe("E-mails one person's actions (invitations, updates, answers) may cause per sliding hour; more are recorded as skipped (SENDER_RATE_LIMITED)"),
  MAIL_PER_SENDER_PER_DAY: z.coerce.number().int().min(0).default(500).describe("E-mails one person's actions may cause per sliding day"),
  INBOUND_MAIL_DOMAIN: z.string().min(1).max(253).optional().describe("Domain whose mail reaches the command API's inbound listener: invitations name reply+<token>@ it as ORGANIZER and Reply-To, so guests' calendar answers are recorded; unset: the host's own address"),
  INBOUND_MAIL_SECRET: z.string().min(32).optional().describe('Secret of the reply-address tokens (the same in the command API); unset: derived from JWT_SECRET'),
});
export type NotifierConfig = z.infer<typeof NotifierConfig>;
