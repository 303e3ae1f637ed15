import { EventEmitter } from 'node:events';
import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { type Response, Router } from 'express';
import { z } from 'zod';
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
  { method: 'get', path: '/sync/stream', summary: 'Server-Sent Events: every change to the caller’s calendar, live; resumes after `Last-Event-ID`', headers: { 'Last-Event-ID': 'The id of the last event received' }, responses: { 200: { description: 'text/event-stream' }, 410: { description: 'Last-Event-ID expired' } } },
];

function tokenExpired(): DomainError {
  return new DomainError('SYNC_TOKEN_EXPIRED', 'the token is older than the kept history; load the calendar again and sync from the new token');
}

export interface SyncHub {
  /** Tells open streams that changes were committed in this process. */
  notify(): void;
  /** Ends every open stream (shutdown). */
  closeAll(): void;
}

export function syncRoutes(deps: { db: SqlExecutor; pollMs: number; heartbeatMs: number }): { router: Router; hub: SyncHub } {
  const router = Router();
  const committed = new EventEmitter();
  committed.setMaxListeners(0);
  const open = new Set<Response>();

  /** The position to read after, or 'expired'; undefined means "from now". */
  async function startingPoint(token: string | undefined): Promise<bigint | 'expired'> {
    if (token === undefined || token === '') return currentToken(deps.db);
    const parsed = parseToken(token);
    if (parsed === undefined) throw new DomainError('VALIDATION_FAILED', 'the sync token is not one this server gave out', [{ path: 'since', message: 'not a sync token' }]);
    return parsed < (await prunedThrough(deps.db)) ? 'expired' : parsed;
  }

  router.get('/sync', async (req, res) => {
    const userID = authenticatedUser(req);
    const { since } = parseInput(SyncQuery, req.query, 'query');
    const from = await startingPoint(since);
    if (from === 'expired') throw tokenExpired();
    const changes = await changesSince(deps.db, userID, from, PAGE);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ changes, next: changes.at(-1)?.token ?? from.toString(), more: changes.length === PAGE });
  });

  router.get('/sync/stream', async (req, res) => {
    const userID = authenticatedUser(req);
    const lastEventID = req.headers['last-event-id'];
    const { since } = parseInput(SyncQuery, req.query, 'query');
    const from = await startingPoint(typeof lastEventID === 'string' ? lastEventID : since);
    if (from === 'expired') throw tokenExpired();
    let position = from;
    // HTML Living Standard §9.2 (server-sent events): event stream, no caching, no proxy buffering.
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'private, no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: position ${position}\n\n`);
    open.add(res);

    let closed = false;
    let reading = false;
    let again = false;
    const pump = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (let page = await changesSince(deps.db, userID, position, PAGE); page.length > 0 && !closed; page = await changesSince(deps.db, userID, position, PAGE)) {
            for (const entry of page) res.write(`id: ${entry.token}\nevent: change\ndata: ${JSON.stringify(entry.change)}\n\n`);
            position = BigInt(page.at(-1)?.token ?? position.toString());
          }
        } while (again && !closed);
      } catch (error) {
        req.log.warn({ err: error }, 'sync stream read failed; retrying on the next poll');
      } finally {
        reading = false;
      }
    };
    const onCommitted = () => void pump();
    committed.on('committed', onCommitted);
    // Other processes commit too: poll as well as listen.
    const poll = setInterval(onCommitted, deps.pollMs);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs);
    const close = () => {
      if (closed) return;
      closed = true;
      committed.off('committed', onCommitted);
      clearInterval(poll);
      clearInterval(heartbeat);
      open.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
    await pump();
  });

  return {
    router,
    hub: {
      notify: () => committed.emit('committed'),
      closeAll() {
        for (const res of open) res.end();
        open.clear();
      },
    },
  };
}
