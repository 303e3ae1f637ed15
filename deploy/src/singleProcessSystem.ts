import { commandApi } from '@datebook/command-api';
import { logTailer } from '@datebook/projector';
import { queryApi } from '@datebook/query-api';
import { serviceApp, type TokenService } from '@datebook/shared-kernel/http';
import { CALENDAR_PROJECTION, postgresEventStore, READ_MODEL_SCHEMA, readCheckpoint, type SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';

export interface SingleProcessSystemOptions {
  /** One database holds the event store and the read model (PGlite on disk by default). */
  database: SqlDatabase;
  tokens: TokenService;
  logger: Logger;
  clock?: () => Date;
  consistencyTimeoutMs?: number;
}

/**
 * All services in one process on one port: command API, query API and a projector that tails the
 * store in-process. The embedded default, and the shape the HTTP tests drive.
 */
export async function singleProcessSystem(options: SingleProcessSystemOptions) {
  const { database, tokens, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const store = await postgresEventStore(database);
  await database.exec(READ_MODEL_SCHEMA);
  const tailer = logTailer(store, database, logger.child({ component: 'projector' }), { pollIntervalMs: 200 });
  const commands = commandApi({ store, tokens, clock });
  const queries = queryApi({
    readModel: database,
    store,
    tokens,
    clock,
    progress: { position: () => readCheckpoint(database, CALENDAR_PROJECTION) },
    ...(options.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: options.consistencyTimeoutMs }),
  });
  const app = serviceApp({
    logger,
    // Reads first: GET /events and PATCH /events/availability belong to the query side.
    routers: [queries.router, commands.router],
    routeDocs: [...commands.routeDocs, ...queries.routeDocs],
    async ready() {
      await database.query('select 1');
      if (!tailer.isHealthy()) throw new Error('the projector is not running');
    },
  });
  tailer.start();
  return {
    app,
    store,
    tailer,
    async stop() {
      await tailer.stop();
    },
  };
}
