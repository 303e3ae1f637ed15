import type { ServiceApp } from '../http/serviceApp';
import type { Logger } from 'pino';

/** Listens, and on SIGINT/SIGTERM stops taking requests, runs `shutdown`, and exits. */
export function serve(app: ServiceApp, options: { port: number; host: string; logger: Logger; name: string; shutdown(): Promise<void> }): void {
  const server = app.listen(options.port, options.host, () => {
    options.logger.info({ port: options.port, host: options.host }, `${options.name} is up`);
  });
  const stop = async (signal: string) => {
    options.logger.info({ signal }, 'shutting down');
    server.close();
    server.closeAllConnections();
    try {
      await options.shutdown();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** Runs a process's main, printing a start-up failure (such as a bad setting) plainly before exiting. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
