import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emlFileMailTransport, smtpMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { pgliteSqlDatabase, pgSqlDatabase, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { readConfig, runMain, serve } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { EmbeddedConfig } from './embeddedConfig';
import { singleProcessSystem } from './singleProcessSystem';

// The composition root of the embedded default: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(EmbeddedConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', '*.password', '*.email', '*.token'] });
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const secretFile = join(dataDir, 'jwt-secret');
  if (!config.JWT_SECRET && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const secret = config.JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim();

  const database: SqlDatabase = config.DATABASE_URL
    ? pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 10 })
    : await pgliteSqlDatabase(join(dataDir, 'pglite'));
  const mailer = config.SMTP_URL ? smtpMailTransport(config.SMTP_URL) : emlFileMailTransport(join(dataDir, 'mail'), logger);
  const system = await singleProcessSystem({ database, tokens: jwtTokenService(secret, config.TOKEN_TTL_SECONDS), logger, mailer, mailFrom: config.MAIL_FROM });
  serve(system.app, {
    port: config.PORT, host: config.HOST, logger, name: `Datebook (${config.DATABASE_URL ? 'postgresql' : `pglite:${dataDir}`})`,
    async shutdown() {
      await system.stop();
      await database.close();
    },
  });
});
