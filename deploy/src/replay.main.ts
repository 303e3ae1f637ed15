import { readModelChecksum, replayReadModel } from '@datebook/projector';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventStoreConfig, openEventStore, readConfig, runMain, serviceConfig } from '@datebook/shared-kernel/runtime';
import { z } from 'zod';

const ReplayConfig = z.object({ DATABASE_URL: serviceConfig.DATABASE_URL, ...eventStoreConfig });
const projections = ['read-model'] as const;

// `npm run replay -- read-model [--check] [--force]`: rebuild a projection from position zero while the system serves.
runMain(async () => {
  const [projection, ...flags] = process.argv.slice(2);
  if (!projections.includes(projection as (typeof projections)[number])) {
    throw new Error(`usage: npm run replay -- <${projections.join('|')}> [--check] [--force]`);
  }
  const config = readConfig(ReplayConfig, process.env);
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 3 });
  try {
    // EVENT_STORE=kurrent replays from KurrentDB; the read model stays in PostgreSQL either way.
    const { store, close: closeStore } = await openEventStore(config, database);
    const result = await replayReadModel(store, database, { switchOver: !flags.includes('--check'), force: flags.includes('--force') });
    console.log(JSON.stringify({ projection, ...result, liveChecksumAfter: await readModelChecksum(database, 'public') }, null, 2));
    if (result.checksum !== result.liveChecksum && !flags.includes('--force')) process.exitCode = 1;
    await closeStore();
  } finally {
    await database.close();
  }
});
