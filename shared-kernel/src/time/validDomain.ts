import type { FieldError } from '../errors/domainError';

/**
 * The valid domain of time: every instant the write side accepts, and every value derived from one
 * (an end, an UNTIL, an exception), lies in [1900-01-01, 2200-01-01) UTC. Every reader can hold it:
 * the event schemas (four-digit years), PostgreSQL timestamptz, JavaScript Dates, Redis scores and
 * the recurrence engine. A write outside it is refused at the edge and again in the decider, so no
 * event the store accepts can be unreadable by a projector.
 */
export const DOMAIN_START_MS = Date.UTC(1900, 0, 1);
export const DOMAIN_END_MS = Date.UTC(2200, 0, 1);
export const DOMAIN_START_DATE = '1900-01-01';
export const DOMAIN_END_DATE = '2200-01-01';
/** The longest one event (or one occurrence) may last: bounds the days a view files it under. */
export const MAX_EVENT_LENGTH_MS = 5 * 366 * 86_400_000;

export function isInstantInDomain(ms: number): boolean {
  return Number.isFinite(ms) && ms >= DOMAIN_START_MS && ms < DOMAIN_END_MS;
}

const DOMAIN_TEXT = `between ${DOMAIN_START_DATE} and ${DOMAIN_END_DATE}`;

/** The problems with an event's start and end (ISO instants), each naming its field; empty when valid. */
export function eventTimesProblems(startTime: string, endTime: string, fields = { start: 'startTime', end: 'endTime' }): FieldError[] {
  const start = Date.parse(startTime);
  const end = Date.parse(endTime);
  const problems: FieldError[] = [];
  if (!isInstantInDomain(start)) problems.push({ path: fields.start, message: `must be ${DOMAIN_TEXT}` });
  if (!isInstantInDomain(end) && end !== DOMAIN_END_MS) problems.push({ path: fields.end, message: `must be ${DOMAIN_TEXT}` });
  if (problems.length > 0) return problems;
  if (end <= start) return [{ path: fields.end, message: 'must be after the start' }];
  if (end - start > MAX_EVENT_LENGTH_MS) return [{ path: fields.end, message: 'an event lasts at most 5 years' }];
  return [];
}
