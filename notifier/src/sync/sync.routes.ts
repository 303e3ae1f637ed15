import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { changeFanout, type FanoutStream } from './changeFanout';
import { changesSince, currentToken, parseToken, prunedThrough } from './changeFeed';

const PAGE = 500;

const SyncQuery = z.object({
  since: z.string().max(20).optional().describe('The `next` token of the previous answer; omitted: start from now'),
});

const SyncResponse = z.object({
  changes: z.array(z.object({ token: z.string(), change: z.unknown() })),
  next: z.string().describe('Pass as `since` next time'),
  more: z.boolean().describe('True when more changes wait: ask again at once'),
});

export const syncRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/sync', summary: 'Changes to the caller’s calendar since a token (410: the token is older than the kept history; reload and start again)', query: SyncQuery, responses: { 200: { description: 'Changes', schema: SyncResponse }, 410: { description: 'Token expired' } } },
  {
    method: 'get',
    path: '/sync/stream',
    summary: 'Server-Sent Events: every change to the caller’s calendar, live; resumes after `Last-Event-ID`. A user may hold a few streams at once (default 5): one more is refused with 429 and `Retry-After`, and the streams already open stay open',
    headers: { 'Last-Event-ID': 'The id of the last event received' },
    responses: { 200: { description: 'text/event-stream' }, 410: { description: 'Last-Event-ID expired' }, 429: { description: 'Too many open streams for this user' }, 503: { description: 'The server holds as many streams as it can' } },
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

  router.get('/sync', async (req, res) => {
    const userID = authenticatedUser(req);
    const { since } = parseInput(SyncQuery, req.query, 'query');
    const from = await startingPoint(since, 'since');
    if (from === 'expired') throw tokenExpired();
    const changes = await changesSince(deps.db, userID, from, PAGE);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ changes, next: changes.at(-1)?.token ?? from.toString(), more: changes.length === PAGE });
  });

  router.get('/sync/stream', async (req, res) => {
    const userID = authenticatedUser(req);
    const lastEventID = req.headers['last-event-id'];
    const { since } = parseInput(SyncQuery, req.query, 'query');
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
