import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emlFileMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import pino from 'pino';
import { singleProcessSystem } from '../../deploy/src/singleProcessSystem';

/**
 * The system under test, in a child process of the bench: the whole app (command API, query API and
 * the in-process projector and notifier) exactly as `deploy/src/embedded.main.ts` composes it on PostgreSQL (pool
 * of 10), listening on a loopback port. Run apart from the load generator so the two event loops do
 * not share one core. Started and stopped by `embedded.ts` over IPC.
 */
async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  const secret = process.env.BENCH_JWT_SECRET;
  if (!url || !secret) throw new Error('BENCH_DATABASE_URL and BENCH_JWT_SECRET are required');
  const database = pgSqlDatabase({ connectionString: url, max: Number(process.env.BENCH_POOL_MAX ?? 10) });
  const logger = pino({ level: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn' });
  // The notifier runs as in the embedded default, writing its e-mail as .eml files (a throw-away folder).
  const mailDir = mkdtempSync(join(tmpdir(), 'datebook-bench-mail-'));
  const mailer = emlFileMailTransport(mailDir, logger);
  const clock = () => new Date();
  const system = await singleProcessSystem({ database, tokens: jwtTokenService(secret, 12 * 3600, clock), clock, logger, mailer });
  const server = system.app.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
  });
  server.keepAliveTimeout = 60_000;

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close();
    await system.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    rmSync(mailDir, { recursive: true, force: true });
    // A normal exit, so --cpu-prof gets to write its profile.
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
  });
  // The bench died without saying goodbye: do not linger.
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  console.error('bench server failed to start:', error);
  process.exit(1);
});
