import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { calendarSnapshotPage } from './calendarSnapshot';
import { changeFanout, type FanoutStream } from './changeFanout';
import { changesSince, currentToken, parseToken, prunedThrough } from './changeFeed';
import { decodeSyncPage, encodeSyncPage, type SyncPage } from './syncPageToken';

/** Google Calendar's events.list bounds: 250 by default, at most 2,500 per page. */
const DEFAULT_MAX_RESULTS = 250;
const MAX_MAX_RESULTS = 2_500;

const SyncQuery = z.object({
  syncToken: z.string().max(20).optional().describe('The `nextSyncToken` of the last page of the previous sync: answers the changes since then. Omitted (with `since`): a full sync'),
  since: z.string().max(20).optional().describe('Older name of `syncToken` (the same tokens: `next`, `nextSyncToken`), kept for existing clients'),
  pageToken: z.string().max(200).optional().describe('The `nextPageToken` of the previous page: continues that full sync or run of changes (`syncToken`/`since` are then not needed)'),
  maxResults: z.coerce.number().int().min(1).max(MAX_MAX_RESULTS).default(DEFAULT_MAX_RESULTS).describe(`At most this many items or changes per page (default ${DEFAULT_MAX_RESULTS}, at most ${MAX_MAX_RESULTS})`),
});

const StreamQuery = z.object({
  since: z.string().max(20).optional().describe('A sync token (`next`, `nextSyncToken`); omitted: start from now'),
});

const SyncResponse = z.object({
  items: z.array(z.unknown()).optional().describe('Full sync only: the caller’s events (not cancelled), each as in a change’s `event`, with its `version`'),
  changes: z.array(z.object({ token: z.string(), change: z.unknown() })).describe('Incremental sync: the changes, oldest first (`event: null` when the event left the calendar); empty in a full sync'),
  nextPageToken: z.string().optional().describe('More follows: ask again with `pageToken` (before anything else)'),
  nextSyncToken: z.string().optional().describe('Last page: keep it, and pass it as `syncToken` next time to get only what changed'),
  next: z.string().describe('Older clients: the position to pass as `since` next time'),
  more: z.boolean().describe('Older clients: true when more changes wait: ask again at once'),
});

export const syncRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/sync',
    operationId: 'syncChanges',
    summary:
      'Keeps a device in step, as Google Calendar’s events.list syncToken flow does. Without `syncToken`: a full sync, every event the caller hosts or is invited to (not cancelled) in `items`, ' +
      'paged by `maxResults` (`nextPageToken` → `pageToken`), ordered by event id; its last page carries `nextSyncToken`, taken before the first page was read, so what changes during a paged ' +
      'full sync is among the changes after it. With `syncToken`: the changes since then, paged the same way, the last page with a new `nextSyncToken`. A token older than the kept history ' +
      '(7 days by default) answers 410 `SYNC_TOKEN_EXPIRED`: drop the local copy and start again with a full sync. `since` is the older name of `syncToken`',
    query: SyncQuery,
    responses: { 200: { description: 'One page of the full state or of the changes', schema: SyncResponse }, 400: { description: 'A token this server did not give out (names the field)' }, 410: { description: 'Token expired: start again with a full sync' } },
  },
  {
    method: 'get',
    path: '/sync/stream',
    operationId: 'streamChanges',
    summary: 'Server-Sent Events: every change to the caller’s calendar, live; resumes after `Last-Event-ID`. A user may hold a few streams at once (default 5): one more is refused with 429 and `Retry-After`, and the streams already open stay open',
    headers: { 'Last-Event-ID': 'The id of the last event received' },
    responses: { 200: { description: 'text/event-stream' }, 410: { description: 'SYNC_TOKEN_EXPIRED: Last-Event-ID is older than the kept history' }, 429: { description: 'TOO_MANY_STREAMS: too many open streams for this user', headers: ['Retry-After'] }, 503: { description: 'SERVER_BUSY: the server holds as many streams as it can', headers: ['Retry-After'] } },
  },
];

function tokenExpired(): DomainError {
  return new DomainError('SYNC_TOKEN_EXPIRED', 'the token is older than the kept history; load the calendar again and sync from the new token');
}

export interface SyncHub {
  /** Tells open streams that changes were committed in this process. */
  notify(): void;
  /** Ends every open stream and the fan-out loop (shutdown). */
  closeAll(): Promise<void>;
}

export interface SyncRouteOptions {
  db: SqlExecutor;
  logger: Logger;
  pollMs: number;
  heartbeatMs: number;
  /** Open `/sync/stream` connections one user may hold; one more answers 429 (the open ones are kept). */
  streamsPerUser: number;
  /** Open streams of this process in all; one more answers 503. */
  maxStreams: number;
}

/** How long a refused stream should wait before trying again (RFC 9110 §10.2.3). */
const STREAM_RETRY_AFTER_SECONDS = '30';

export function syncRoutes(deps: SyncRouteOptions): { router: Router; hub: SyncHub } {
  const router = Router();
  const fanout = changeFanout({ db: deps.db, pollMs: deps.pollMs, logger: deps.logger });
  const open = new Map<Response, FanoutStream>();
  const streamsOf = new Map<string, number>();

  /** The position to read after, or 'expired'; undefined means "from now". */
  async function startingPoint(token: string | undefined, field: string): Promise<bigint | 'expired'> {
    if (token === undefined || token === '') return currentToken(deps.db);
    const parsed = parseToken(token);
    if (parsed === undefined) throw new DomainError('VALIDATION_FAILED', 'the sync token is not one this server gave out', [{ path: field, message: 'not a sync token' }]);
    return parsed < (await prunedThrough(deps.db)) ? 'expired' : parsed;
  }

  /**
   * The caps: the user's own first (429), then the process's (503), both with Retry-After. A new
   * stream over the cap is refused rather than closing an open one, so a client that keeps
   * reconnecting cannot push the user's other devices off.
   */
  function refuseOverCap(userID: string, res: Response): void {
    if ((streamsOf.get(userID) ?? 0) >= deps.streamsPerUser) {
      res.setHeader('Retry-After', STREAM_RETRY_AFTER_SECONDS);
      throw new DomainError('TOO_MANY_STREAMS', `at most ${deps.streamsPerUser} sync streams may be open per user; close one (or poll GET /sync) and try again`);
    }
    if (open.size >= deps.maxStreams) {
      res.setHeader('Retry-After', STREAM_RETRY_AFTER_SECONDS);
      throw new DomainError('SERVER_BUSY', 'the server holds as many sync streams as it can; try again later or poll GET /sync');
    }
  }

  /**
   * One page of a full sync. The feed position is taken before the first page reads any state: the
   * reactor stores an event's state and its feed entries in one transaction, and feed commits follow
   * sequence order, so a change committed after that position was read has a larger one and is among
   * the changes after `nextSyncToken`, whichever pages did or did not see it.
   */
  async function fullSyncPage(userID: string, page: Extract<SyncPage, { kind: 'full' }> | undefined, maxResults: number) {
    const at = page ? page.at : await currentToken(deps.db);
    if (page && at < (await prunedThrough(deps.db))) throw tokenExpired();
    const snapshot = await calendarSnapshotPage(deps.db, userID, page?.afterEventID, maxResults);
    const afterEventID = snapshot.more ? snapshot.lastEventID : undefined;
    return {
      items: snapshot.items,
      // The older poll-only fields: a client that knows no full sync starts from this position, as it always did.
      changes: [],
      ...(afterEventID ? { nextPageToken: encodeSyncPage({ kind: 'full', at, afterEventID }) } : { nextSyncToken: at.toString() }),
      next: at.toString(),
      more: false,
    };
  }

  /** One page of the changes after `from`. */
  async function changesPage(userID: string, from: bigint, maxResults: number) {
    const found = await changesSince(deps.db, userID, from, maxResults + 1);
    const changes = found.slice(0, maxResults);
    const more = found.length > maxResults;
    const last = changes.at(-1)?.token ?? from.toString();
    return { changes, ...(more ? { nextPageToken: encodeSyncPage({ kind: 'changes', after: BigInt(last) }) } : { nextSyncToken: last }), next: last, more };
  }

  router.get('/sync', async (req, res) => {
    const userID = authenticatedUser(req);
    const query = parseInput(SyncQuery, req.query, 'query');
    if (query.syncToken !== undefined && query.since !== undefined && query.syncToken !== query.since) {
      throw new DomainError('VALIDATION_FAILED', 'give syncToken or its older name since, not two different tokens', [{ path: 'since', message: 'differs from syncToken' }]);
    }
    if (query.pageToken !== undefined && (query.syncToken !== undefined || query.since !== undefined)) {
      // A page token carries its own position: a second token beside it would be silently ignored.
      const path = query.syncToken !== undefined ? 'syncToken' : 'since';
      throw new DomainError('VALIDATION_FAILED', 'give pageToken alone: it continues the sync it came from', [{ path, message: 'not with pageToken' }]);
    }
    const page = query.pageToken ? decodeSyncPage(query.pageToken) : undefined;
    const token = query.syncToken ?? query.since;
    let body: object;
    if (page?.kind === 'full' || (page === undefined && !token)) {
      body = await fullSyncPage(userID, page, query.maxResults);
    } else {
      const from = page
        ? page.after < (await prunedThrough(deps.db)) ? 'expired' : page.after
        : await startingPoint(token, query.syncToken !== undefined ? 'syncToken' : 'since');
      if (from === 'expired') throw tokenExpired();
      body = await changesPage(userID, from, query.maxResults);
    }
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(body);
  });

  router.get('/sync/stream', async (req, res) => {
    const userID = authenticatedUser(req);
    const lastEventID = req.headers['last-event-id'];
    const { since } = parseInput(StreamQuery, req.query, 'query');
    // Refused before anything is read: a capped stream costs no query.
    refuseOverCap(userID, res);
    const fromHeader = typeof lastEventID === 'string';
    const from = await startingPoint(fromHeader ? lastEventID : since, fromHeader ? 'Last-Event-ID' : 'since');
    if (from === 'expired') throw tokenExpired();
    // The device may have gone while the position was read: then there is nothing to hold open (and no
    // 'close' will come to give its place back).
    if (req.socket.destroyed) return;
    // Checked again after the awaits above: two requests of one user may have passed the first check together.
    refuseOverCap(userID, res);
    // HTML Living Standard §9.2 (server-sent events): event stream, no caching, no proxy buffering.
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'private, no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: position ${from}\n\n`);
    const stream: FanoutStream = {
      userID,
      position: from,
      send(entry) {
        if (!res.destroyed && !res.writableEnded) res.write(`id: ${entry.token}\nevent: change\ndata: ${JSON.stringify(entry.change)}\n\n`);
      },
    };
    open.set(res, stream);
    streamsOf.set(userID, (streamsOf.get(userID) ?? 0) + 1);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      fanout.remove(stream);
      open.delete(res);
      const left = (streamsOf.get(userID) ?? 1) - 1;
      if (left > 0) streamsOf.set(userID, left);
      else streamsOf.delete(userID);
    };
    req.on('close', close);
    res.on('close', close);
    fanout.add(stream);
  });

  return {
    router,
    hub: {
      notify: () => fanout.wake(),
      async closeAll() {
        for (const res of open.keys()) res.end();
        await fanout.stop();
      },
    },
  };
}
