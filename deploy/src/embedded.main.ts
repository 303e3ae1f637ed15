import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emlFileMailTransport, smtpMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { pgliteSqlDatabase, pgSqlDatabase, type SqlDatabase } from '@datebook/shared-kernel/ports';
import pino from 'pino';
import { EmbeddedConfig, readConfig } from './embeddedConfig';
import { singleProcessSystem } from './singleProcessSystem';

// The composition root of the embedded default: config → adapters → app → listen.
async function main(): Promise<void> {
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
  const system = await singleProcessSystem({ database, tokens: jwtTokenService(secret, config.TOKEN_TTL_SECONDS), logger, mailer });
  const server = system.app.listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, host: config.HOST, store: config.DATABASE_URL ? 'postgresql' : `pglite:${dataDir}` }, 'Datebook is up');
  });

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await system.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
