import { jwtTokenService, serviceApp } from '@datebook/shared-kernel/http';
import { busyTime, pgSqlDatabase } from '@datebook/shared-kernel/ports';
import { eventStoreConfig, openEventStore, readConfig, runMain, serve, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';
import { commandApi } from './app';

const CommandApiConfig = z.object({
  ...serviceConfig,
  ...eventStoreConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001).describe('HTTP port of the command API'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16).describe('PostgreSQL connections'),
});

// Composition root of the write side: config → adapters → app → listen.
runMain(async () => {
  const config = readConfig(CommandApiConfig, process.env);
  const logger = pino({ level: config.LOG_LEVEL, name: 'command-api', redact: ['req.headers.authorization', '*.password', '*.email', '*.token'] });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  const { store, close: closeStore } = await openEventStore(config, database);
  const commands = commandApi({
    store,
    tokens: jwtTokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS),
    clock: () => new Date(),
    // Conflict warnings read the projected read model in the same database.
    busy: (userIDs, from, to) => busyTime(database, userIDs, from, to),
  });
  const app = serviceApp({
    logger,
    routers: [commands.router],
    routeDocs: commands.routeDocs,
    async ready() {
      await database.query('select 1');
    },
  });
  serve(app, { port: config.PORT, host: config.HOST, logger, name: 'command-api', shutdown: async () => {
    await closeStore();
    await database.close();
  } });
});
