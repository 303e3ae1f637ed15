import { z } from 'zod';
import { isValidTimeZone } from '../time/timeZone';
import { DOMAIN_END_DATE, DOMAIN_END_MS, DOMAIN_START_DATE, isInstantInDomain } from '../time/validDomain';

/** Field schemas every service validates with, so the API reads the same everywhere. */
export const userIDSchema = z.uuid().describe('A user id (UUID)');
export const eventIDSchema = z.uuid().describe('An event id (UUID)');

const inDomain = (ms: number) => isInstantInDomain(ms) || ms === DOMAIN_END_MS;
const domainMessage = `must be between ${DOMAIN_START_DATE} and ${DOMAIN_END_DATE}`;

/** RFC 3339 with an offset, inside the valid domain (validDomain.ts); normalised to UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((value) => inDomain(Date.parse(value)), { message: domainMessage })
  .transform((value) => new Date(value).toISOString())
  .describe('An instant, RFC 3339 with offset, e.g. 2025-03-10T09:00:00+01:00');

export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'not a known IANA time zone' })
  .describe('An IANA time zone, e.g. Europe/Berlin');

/** A calendar date (YYYY-MM-DD) inside the valid domain. */
export const dateSchema = z.iso
  .date()
  .refine((value) => inDomain(Date.parse(`${value}T00:00:00Z`)), { message: domainMessage })
  .describe('A date, YYYY-MM-DD');
