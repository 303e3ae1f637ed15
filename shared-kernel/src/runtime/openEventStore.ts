import { z } from 'zod';
import type { EventStore } from '../ports/eventStore/eventStore';
import { postgresEventStore } from '../ports/eventStore/postgresEventStore';
import { shardedEventStore } from '../ports/eventStore/shardedEventStore';
import type { SqlDatabase } from '../ports/sql/sqlDatabase';

export const eventStoreConfig = {
  EVENT_STORE: z.enum(['postgres', 'kurrent']).default('postgres').describe('Where the events live: PostgreSQL (DATABASE_URL) or EventStoreDB/KurrentDB (EVENTSTORE_URL; untested here)'),
  EVENTSTORE_URL: z.string().optional().describe('esdb://host:2113?tls=false, when EVENT_STORE=kurrent'),
  EVENT_STORE_URLS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.url()))
    .describe('Comma-separated PostgreSQL databases the events are split over by stream (the scale-out profile), in the order they were created with; unset: the events live in DATABASE_URL'),
  EVENT_STORE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(8).describe('PostgreSQL connections per database of EVENT_STORE_URLS'),
};

/** The event store the configuration selects; PostgreSQL (`database`) still holds the read model either way. */
export async function openEventStore(
  config: { EVENT_STORE: 'postgres' | 'kurrent'; EVENTSTORE_URL?: string | undefined; EVENT_STORE_URLS?: readonly string[]; EVENT_STORE_POOL_SIZE?: number },
  database: SqlDatabase,
): Promise<{ store: EventStore; close(): Promise<void> }> {
  const shardUrls = config.EVENT_STORE_URLS ?? [];
  if (config.EVENT_STORE === 'kurrent') {
    if (!config.EVENTSTORE_URL) throw new Error('invalid configuration: EVENTSTORE_URL: required when EVENT_STORE=kurrent');
    if (shardUrls.length > 0) throw new Error('invalid configuration: EVENT_STORE_URLS: splits a PostgreSQL event store; not with EVENT_STORE=kurrent');
    // Loaded only when selected: a PostgreSQL deployment never loads the KurrentDB client.
    const { connectKurrentEventStore } = await import('../ports/kurrent');
    return connectKurrentEventStore(config.EVENTSTORE_URL);
  }
  if (shardUrls.length > 0) {
    // Loaded only when selected, like the KurrentDB client: the ports barrel and the runtime load no driver.
    const { pgSqlDatabase } = await import('../ports/pg');
    const shards = shardUrls.map((connectionString) => pgSqlDatabase({ connectionString, max: config.EVENT_STORE_POOL_SIZE ?? 8 }));
    const close = async () => {
      await Promise.all(shards.map((shard) => shard.close()));
    };
    try {
      return { store: await shardedEventStore(shards), close };
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { store: await postgresEventStore(database), close: async () => undefined };
}
