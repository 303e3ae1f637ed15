import { z } from 'zod';
import { isValidTimeZone } from '../time/timeZone';

/** Field schemas every service validates with, so the API reads the same everywhere. */
export const userIDSchema = z.uuid().describe('A user id (UUID)');
export const eventIDSchema = z.uuid().describe('An event id (UUID)');

/** RFC 3339 with an offset; normalised to UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .describe('An instant, RFC 3339 with offset, e.g. 2025-03-10T09:00:00+01:00');

export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'not a known IANA time zone' })
  .describe('An IANA time zone, e.g. Europe/Berlin');
