import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ServiceApp } from '../http/serviceApp';

/**
 * The signals that end a process: Ctrl-C (SIGINT), a supervisor or `kill` (SIGTERM), and a closed terminal
 * (SIGHUP). Node's default for each is to die at once, skipping the shutdown that closes the database.
 */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long a graceful stop may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

/** Runs `stop` (bounded by the grace period) and exits with `code`, or with 1 if the stop failed. */
async function stopAndExit(stop: () => Promise<void>, code: number): Promise<never> {
  const overdue = setTimeout(() => {
    console.error(`the shutdown took longer than ${SHUTDOWN_GRACE_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  overdue.unref();
  try {
    await stop();
  } catch (error) {
    console.error('the shutdown failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  }
  process.exit(code);
}

/**
 * The one place a process reacts to SIGINT, SIGTERM and SIGHUP: the first runs `stop` and exits 0 when
 * it is done. Later signals are ignored rather than fatal: a Ctrl-C reaches the process from the terminal
 * and again relayed by npm, and the second must not cut the first's shutdown short.
 */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stopAndExit(() => stop(signal), 0);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, handle);
}

/** A listen failure in words a person can act on (no stack trace). */
export function listenFailureMessage(error: NodeJS.ErrnoException, port: number, host: string): string {
  if (error.code === 'EADDRINUSE') return `port ${port} is in use; set PORT`;
  if (error.code === 'EACCES') return `port ${port} needs privileges this user does not have; set PORT`;
  if (error.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine; set HOST`;
  return `cannot listen on ${host}:${port}: ${error.message}`;
}

/**
 * Listens, and on a shutdown signal stops taking requests, runs `shutdown`, and exits. A port it cannot
 * listen on is said plainly, and the process stops what it started and exits 1.
 */
export function serve(app: ServiceApp, options: { port: number; host: string; logger: Logger; name: string; shutdown(): Promise<void> }): Server {
  const server = app.listen(options.port, options.host, () => {
    options.logger.info({ port: options.port, host: options.host }, `${options.name} is up`);
  });
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(listenFailureMessage(error, options.port, options.host));
    void stopAndExit(options.shutdown, 1);
  });
  onShutdownSignal(async (signal) => {
    options.logger.info({ signal }, 'shutting down');
    server.close();
    server.closeAllConnections();
    await options.shutdown();
  });
  return server;
}

/** Runs a process's main, printing a start-up failure (such as a bad setting) plainly before exiting. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
