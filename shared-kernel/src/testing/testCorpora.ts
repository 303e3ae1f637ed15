import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The test corpora kept in this repository (shared-kernel/testdata, with their provenance in its README). */
export type TestCorpus = 'rrule-rfc5545.json' | 'freebusy-cases.json';

/** Reads one corpus; every test that uses one reads it from here, so there is one place the files live. */
export function readTestCorpus<T>(name: TestCorpus): T {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'testdata', name), 'utf8')) as T;
}
