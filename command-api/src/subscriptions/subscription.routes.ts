import { randomUUID } from 'node:crypto';
import { DomainError, rulesRoleOf, unescapeText } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc, timeZoneSchema } from '@datebook/shared-kernel/http';
import { calendarReaderOf, readCalendar } from '@datebook/shared-kernel/ports';
import { type Request, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CommandContext } from '../commandHandling/handleCommand';
import type { CalendarService } from '../calendars/calendarService';
import type { OutboundPolicy } from './outboundAddresses';
import { fetchSource, type SourceFetchLimits } from './sourceFetch';
import { RefreshTooSoonError, type SubscriptionPoller } from './subscriptionPoller';

/** "Add calendar from URL": a calendar whose events are an iCalendar file's on the web, polled on a schedule, read-only. */
const SubscribeBody = z.strictObject({
  url: z.string().trim().max(2048).describe('An http or https URL of an iCalendar file (webcal:// is read as http://)'),
  summary: z.string().trim().min(1).max(500).optional().describe("The calendar's name; the file's X-WR-CALNAME, else the URL's host, when absent"),
  timeZone: timeZoneSchema.optional().describe("IANA zone; the subscriber's zone when absent"),
});
const CalendarIDParams = z.object({ calendarID: z.uuid() });

const Subscribed = z.object({ calendarID: z.string(), summary: z.string(), url: z.string(), version: z.number() });
const SyncReport = z.object({
  status: z.enum(['notModified', 'unchanged', 'imported']).describe('notModified: the source answered 304; unchanged: same content; imported: its events were brought in'),
  created: z.number().optional(), updated: z.number().optional(), unchanged: z.number().optional(),
  cancelled: z.number().optional().describe('Events the source no longer has'), skipped: z.number().optional(),
});
/** Each is polled for as long as it exists: a person's share of the poller's work is bounded here. */
export const MAX_SUBSCRIPTIONS_PER_PERSON = 50;

const hostRefused = 'SUBSCRIPTION_HOST_NOT_ALLOWED: not an http(s) URL, or its host is a private, loopback, link-local or other non-public address the operator did not allow (names `url`)';
const fetchFailed = { 502: { description: 'SUBSCRIPTION_FETCH_FAILED: the source could not be read (its answer, a timeout after 10 s, over 10 MiB); nothing changed' } };
export const subscriptionRouteDocs: RouteDoc[] = [
  {
    method: 'post', path: '/calendars/subscriptions', operationId: 'subscribeToCalendar',
    summary: 'Add a calendar from a URL: a new calendar you own with the events of that iCalendar file, fetched now and every 15 minutes; read-only for everyone (accessRole reader)',
    body: SubscribeBody,
    responses: {
      201: { description: 'Subscribed; its events arrive within moments', schema: Subscribed, headers: ['Location'] }, 400: { description: `${hostRefused}; or the URL does not serve iCalendar` },
      409: { description: `TOO_MANY_SUBSCRIPTIONS: you have ${MAX_SUBSCRIPTIONS_PER_PERSON} subscriptions already` }, ...fetchFailed,
    },
  },
  {
    method: 'post', path: '/calendars/{calendarID}/subscription/refresh', operationId: 'refreshSubscription',
    summary: 'Fetch a subscribed calendar’s source now (owners)',
    responses: {
      200: { description: 'What the fetch brought', schema: SyncReport },
      403: { description: 'NOT_OWNER: you may see the calendar but only its owners refresh it' },
      404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' },
      409: { description: 'NOT_A_SUBSCRIPTION: the calendar is not a subscription' },
      429: { description: 'TOO_MANY_ATTEMPTS: the source was fetched moments ago (10 s); try again after Retry-After seconds', headers: ['Retry-After'] },
      ...fetchFailed,
    },
  },
];

export interface SubscriptionRouteDeps {
  calendars: CalendarService;
  poller: SubscriptionPoller;
  policy: OutboundPolicy;
  limits?: SourceFetchLimits;
  clock: () => Date;
  zoneOf(userID: string): Promise<string>;
  /** How many subscriptions a person has (the read model's count: a burst may pass it by a few, no more). */
  subscriptionsOf(ownerID: string): Promise<number>;
  maxPerPerson: number;
  logger: Logger;
}

export function subscriptionRoutes(deps: SubscriptionRouteDeps): Router {
  const router = Router();
  const context = (req: Request): CommandContext => ({ actorID: authenticatedUser(req), now: deps.clock(), correlationId: req.correlationId });

  router.post('/calendars/subscriptions', async (req, res) => {
    const body = parseInput(SubscribeBody, req.body, 'body');
    const url = sourceURL(body.url);
    const ownerID = authenticatedUser(req);
    if ((await deps.subscriptionsOf(ownerID)) >= deps.maxPerPerson) {
      throw new DomainError('TOO_MANY_SUBSCRIPTIONS', `a person may subscribe to at most ${deps.maxPerPerson} calendars; unsubscribe from one first (DELETE /calendars/:id)`);
    }
    // Fetched before anything is written: a URL that cannot be read, or is not allowed, leaves nothing behind.
    const fetched = await fetchSource(url, { etag: null, lastModified: null }, deps.policy, deps.limits);
    if (fetched.status !== 'fetched' || !/^\s*BEGIN:VCALENDAR\r?\n/i.test(fetched.body)) {
      throw new DomainError('VALIDATION_FAILED', 'the URL does not serve an iCalendar file', [{ path: 'url', message: 'not iCalendar (RFC 5545)' }]);
    }
    const calendarID = randomUUID();
    const summary = body.summary ?? calendarNameIn(fetched.body) ?? new URL(url).hostname;
    const timeZone = body.timeZone ?? (await deps.zoneOf(ownerID));
    const result = await deps.calendars.run(calendarID, { type: 'SubscribeToCalendar', data: { calendarID, ownerID, summary, description: null, timeZone, url } }, context(req));
    // Its events are imported in the background with what was just fetched; the schedule takes over from there.
    deps.poller.pollNow(calendarID, fetched).catch((err: unknown) => deps.logger.warn({ err, calendarID }, 'first import of a subscription failed'));
    res.setHeader('ETag', `"${result.version ?? 0}"`);
    res.status(201).location(`/calendars/${calendarID}`).json({ calendarID, summary, url, version: result.version ?? 0 });
  });

  router.post('/calendars/:calendarID/subscription/refresh', async (req, res) => {
    const { calendarID } = parseInput(CalendarIDParams, req.params, 'params');
    const [{ state }, reader] = await Promise.all([readCalendar(deps.calendars.store, calendarID), calendarReaderOf(deps.calendars.store, authenticatedUser(req))]);
    const role = rulesRoleOf(state, reader);
    if (state.status === 'absent' || state.status === 'deleted' || role === 'none') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
    if (role !== 'owner') throw new DomainError('NOT_OWNER', 'only an owner of the calendar may refresh it');
    if (!state.subscription) throw new DomainError('NOT_A_SUBSCRIPTION', 'this calendar is not a subscription to a URL');
    try {
      res.json(await deps.poller.pollNow(calendarID));
    } catch (error) {
      if (error instanceof RefreshTooSoonError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  });

  return router;
}

/** The URL as it is kept: webcal(s) read as http(s), no fragment; credentials in it are refused (they would be stored). */
function sourceURL(text: string): string {
  const refused = (message: string) => new DomainError('VALIDATION_FAILED', message, [{ path: 'url', message }]);
  let url: URL;
  try {
    url = new URL(text.replace(/^webcal(s?):\/\//i, (_m, s: string) => `http${s}://`));
  } catch {
    throw refused('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DomainError('SUBSCRIPTION_HOST_NOT_ALLOWED', 'only http and https URLs can be subscribed to', [{ path: 'url', message: 'not http or https' }]);
  if (url.username !== '' || url.password !== '') throw refused('a URL with a user name or password is not kept');
  url.hash = '';
  return url.toString();
}

/** The file's own name for itself (X-WR-CALNAME, the de-facto property; RFC 7986 NAME), if it has one. */
function calendarNameIn(text: string): string | undefined {
  const head = text.slice(0, 64 * 1024).replace(/\r?\n[ \t]/g, '');
  const match = /^(?:X-WR-CALNAME|NAME)(?:;[^:\r\n]*)?:([^\r\n]+)$/im.exec(head);
  const name = match ? unescapeText(match[1] as string).replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 500) : '';
  return name === '' ? undefined : name;
}
