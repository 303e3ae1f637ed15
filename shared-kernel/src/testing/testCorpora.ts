import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The test corpora kept in this repository (shared-kernel/testdata, with their provenance in its README). */
export type TestCorpus = 'rrule-rfc5545.json' | 'freebusy-cases.json';

/** Reads one corpus; every test that uses one reads it from here, so there is one place the files live. */
export function readTestCorpus<T>(name: TestCorpus): T {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'testdata', name), 'utf8')) as T;
}

/** Calendar files as Google Calendar, Outlook and Thunderbird export them (shared-kernel/testdata/icalendar). */
export type ICalendarFixture = 'google-calendar-export.ics' | 'outlook-export.ics' | 'thunderbird-export.ics';

export const ICALENDAR_FIXTURES: readonly ICalendarFixture[] = ['google-calendar-export.ics', 'outlook-export.ics', 'thunderbird-export.ics'];

/** Reads one of them, as text. */
export function readICalendarFixture(name: ICalendarFixture): string {
  return readFileSync(join(__dirname, '..', '..', 'testdata', 'icalendar', name), 'utf8');
}
