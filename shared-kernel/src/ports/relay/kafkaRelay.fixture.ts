import pino from 'pino';
import { postgresEventStore } from '../eventStore/postgresEventStore';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import { kafkaRelay } from './kafkaRelay';

// One relay in a process of its own, so a test can SIGKILL it: the crash its checkpoint must survive.
interface FixtureConfig {
  databaseUrl: string;
  brokers: string[];
  topic: string;
  batchSize: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as FixtureConfig;
  const db = pgSqlDatabase({ connectionString: config.databaseUrl, max: 2 });
  const store = await postgresEventStore(db);
  const relay = kafkaRelay(store, db, {
    connection: { brokers: config.brokers, clientId: 'datebook-relay-fixture' },
    topic: config.topic,
    batchSize: config.batchSize,
    pollIntervalMs: 20,
    maxRetryDelayMs: 500,
    logger: pino({ level: 'error' }, pino.destination(2)),
  });
  await relay.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void relay.stop().then(() => db.close()).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
