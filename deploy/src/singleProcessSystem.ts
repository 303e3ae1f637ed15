import { commandApi } from '@datebook/command-api';
import { READ_MODEL_CONSUMER_GROUP, readModelProjector } from '@datebook/projector';
import { queryApi } from '@datebook/query-api';
import { serviceApp, type TokenService } from '@datebook/shared-kernel/http';
import { postgresEventStore, READ_MODEL_SCHEMA, type SqlDatabase, storeTailingEventSource } from '@datebook/shared-kernel/ports';
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
  const source = await storeTailingEventSource(store, database, {
    onError: (err, consumerGroup) => logger.error({ err, consumerGroup }, 'delivery failed; retrying'),
  });
  const commands = commandApi({ store, tokens, clock });
  const queries = queryApi({
    readModel: database,
    store,
    tokens,
    clock,
    ...(options.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: options.consistencyTimeoutMs }),
  });
  const app = serviceApp({
    logger,
    // Reads first: GET /events and PATCH /events/availability belong to the query side.
    routers: [queries.router, commands.router],
    routeDocs: [...commands.routeDocs, ...queries.routeDocs],
    async ready() {
      await database.query('select 1');
      if (!projector.isHealthy()) throw new Error('the projector is not running');
    },
  });
  const projector = await source.subscribe(READ_MODEL_CONSUMER_GROUP, readModelProjector(database));
  return {
    app,
    store,
    source,
    async stop() {
      await projector.stop();
    },
  };
}
