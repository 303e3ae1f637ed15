import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server tests use; `deploy/scripts/postgres-ensure.sh` makes sure it answers. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A throw-away database on the real server, so test files can run in parallel without sharing state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `datebook_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
