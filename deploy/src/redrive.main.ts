import { join, resolve } from 'node:path';
import { parkedEvents, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { readConfig, runMain } from '@datebook/shared-kernel/runtime';
import { z } from 'zod';

const RedriveConfig = z.object({
  DATABASE_URL: z.string().url().optional().describe('The production database (projectors and, unless NOTIFIER_DATABASE_URL, the notifier); unset: the embedded PGlite under DATA_DIR'),
  NOTIFIER_DATABASE_URL: z.string().url().optional().describe("The notifier's own database, when it has one"),
  DATA_DIR: z.string().default('./data').describe('The embedded default’s data folder (stop `npm start` first: PGlite has one user at a time)'),
});

/**
 * `npm run redrive [-- --list] [-- --group <consumer group>]`: lists parked events, or asks the consumers
 * to try them again (after a fix is deployed). Running consumers pick the request up within seconds; the
 * embedded default picks it up when it next starts. An event that fails again stays parked.
 */
runMain(async () => {
  const config = readConfig(RedriveConfig, process.env);
  const args = process.argv.slice(2);
  const listOnly = args.includes('--list');
  const groupAt = args.indexOf('--group');
  const group = groupAt >= 0 ? args[groupAt + 1] : undefined;
  const databases: SqlDatabase[] = config.DATABASE_URL
    ? [pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 1 }), ...(config.NOTIFIER_DATABASE_URL ? [pgSqlDatabase({ connectionString: config.NOTIFIER_DATABASE_URL, max: 1 })] : [])]
    : [await pgliteSqlDatabase(join(resolve(config.DATA_DIR), 'pglite'))];
  try {
    for (const database of databases) {
      const parked = parkedEvents(database);
      await parked.ensureSchema();
      const rows = await parked.list(group);
      for (const row of rows) console.log(`${row.consumerGroup}\t${row.streamName}@${row.streamVersion}\t${row.eventType}\t${row.parkedAt}\t${row.error}`);
      if (!listOnly) console.log(`re-drive requested for ${await parked.requestRedrive(group)} parked event(s)${group ? ` of ${group}` : ''}`);
    }
  } finally {
    for (const database of databases) await database.close();
  }
});
