import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inboundMailSettings, subscriptionSettingsOf } from '@datebook/command-api';
import { emlFileMailTransport, smtpMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { readConfig, runMain, serve } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { EmbeddedConfig, embeddedJwtSecret, embeddedPublicUrl } from './embeddedConfig';
import { singleProcessSystem } from './singleProcessSystem';

/**
 * Takes group and other permissions off a folder and everything in it (PGlite creates its files
 * world-writable). The folder itself is 0700 anyway; this keeps the files private if it is ever moved.
 */
function keepPrivate(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) keepPrivate(join(path, name));
  } else {
    chmodSync(path, stat.mode & 0o700);
  }
}

// The composition root of the embedded default: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(EmbeddedConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', '*.password', '*.email', '*.token'] });
  const dataDir = resolve(config.DATA_DIR);
  // The data folder holds the database, the signing secret and everyone's mail: the owner's alone,
  // whatever the umask (a mode at creation is masked by it, and an existing folder keeps its own).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);

  const secret = embeddedJwtSecret(config, dataDir);

  const database: SqlDatabase = config.DATABASE_URL
    ? pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 10 })
    : await pgliteSqlDatabase(join(dataDir, 'pglite'));
  if (!config.DATABASE_URL) keepPrivate(join(dataDir, 'pglite'));
  const mailer = config.SMTP_URL ? smtpMailTransport(config.SMTP_URL) : emlFileMailTransport(join(dataDir, 'mail'), logger);
  // The one clock of the process: every part of the system reads time from it.
  const clock = () => new Date();
  const system = await singleProcessSystem({ database, tokens: jwtTokenService(secret, config.TOKEN_TTL_SECONDS, clock), clock, logger, mailer, mailFrom: config.MAIL_FROM, publicUrl: embeddedPublicUrl(config),
    corsOrigins: config.CORS_ORIGINS, ...(config.OPS_TOKEN ? { opsToken: config.OPS_TOKEN } : {}),
    // The reply-address secret defaults to one derived from the signing secret, kept in DATA_DIR like it.
    inboundMail: inboundMailSettings({ ...config, JWT_SECRET: secret }), subscriptions: subscriptionSettingsOf(config) });
  serve(system.app, {
    port: config.PORT, host: config.HOST, logger, name: `Datebook (${config.DATABASE_URL ? 'postgresql' : `pglite:${dataDir}`})`,
    async shutdown() {
      await system.stop();
      await database.close();
    },
  });
});
