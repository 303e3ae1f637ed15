import { z } from 'zod';
import type { EventStore } from '../ports/eventStore/eventStore';
import { postgresEventStore } from '../ports/eventStore/postgresEventStore';
import type { SqlDatabase } from '../ports/sql/sqlDatabase';

export const eventStoreConfig = {
  EVENT_STORE: z.enum(['postgres', 'kurrent']).default('postgres').describe('Where the events live: PostgreSQL (DATABASE_URL) or EventStoreDB/KurrentDB (EVENTSTORE_URL; untested here)'),
  EVENTSTORE_URL: z.string().optional().describe('esdb://host:2113?tls=false, when EVENT_STORE=kurrent'),
};

/** The event store the configuration selects; PostgreSQL still holds the read model either way. */
export async function openEventStore(
  config: { EVENT_STORE: 'postgres' | 'kurrent'; EVENTSTORE_URL?: string | undefined },
  database: SqlDatabase,
): Promise<{ store: EventStore; close(): Promise<void> }> {
  if (config.EVENT_STORE === 'kurrent') {
    if (!config.EVENTSTORE_URL) throw new Error('invalid configuration: EVENTSTORE_URL: required when EVENT_STORE=kurrent');
    // Loaded only when selected: a PostgreSQL deployment never loads the KurrentDB client.
    const { connectKurrentEventStore } = await import('../ports/kurrent');
    return connectKurrentEventStore(config.EVENTSTORE_URL);
  }
  return { store: await postgresEventStore(database), close: async () => undefined };
}
