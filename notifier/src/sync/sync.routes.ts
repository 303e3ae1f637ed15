import { DomainError } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { calendarReaderOf, type EventStore, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { GrantsTouched } from './calendarGrants';
import { nextTransition, transitionPage } from './calendarTransitions';
import { changeFanout } from './changeFanout';
import { currentToken, prunedThrough } from './changeFeed';
import { feedPage, type SyncEntry } from './changeGroups';
import { fullSyncPage } from './fullSyncPage';
import { readableCalendars } from './readableCalendars';
import { type ChangesState, type FullState, loadSyncTokenCodec, MAX_SYNC_TOKEN_CHARS, type SyncTokenCodec } from './syncState';
import { type SyncStreamSession, syncStreamSession } from './syncStream';

/** Google Calendar's events.list bounds: 250 by default, at most 2,500 per page. */
const DEFAULT_MAX_RESULTS = 250;
const MAX_MAX_RESULTS = 2_500;

const SyncQuery = z.object({
  syncToken: z.string().max(MAX_SYNC_TOKEN_CHARS).optional().describe('The `nextSyncToken` of the last page of the previous sync: answers the changes since then. Omitted (with `since`): a full sync'),
  since: z.string().max(MAX_SYNC_TOKEN_CHARS).optional().describe('Older name of `syncToken` (the same tokens: `next`, `nextSyncToken`), kept for existing clients'),
  pageToken: z.string().max(MAX_SYNC_TOKEN_CHARS).optional().describe('The `nextPageToken` of the previous page: continues that full sync or run of changes (`syncToken`/`since` are then not needed)'),
  maxResults: z.coerce.number().int().min(1).max(MAX_MAX_RESULTS).default(DEFAULT_MAX_RESULTS).describe(`At most this many items or changes per page (default ${DEFAULT_MAX_RESULTS}, at most ${MAX_MAX_RESULTS})`),
});

const StreamQuery = z.object({
  since: z.string().max(MAX_SYNC_TOKEN_CHARS).optional().describe('A sync token (`next`, `nextSyncToken`, an event id); omitted: start from now, with the calendars the caller reads now'),
});

const SyncResponse = z.object({
  items: z.array(z.unknown()).optional().describe('Full sync only: the caller’s events (not cancelled) and those of every calendar they read, each as in a change’s `event`, with its `version`'),
  changes: z.array(z.object({ token: z.string(), change: z.unknown() })).describe('Incremental sync: the changes, oldest first (`event: null` when the event left the caller’s calendars); empty in a full sync. `token` is the feed position'),
  nextPageToken: z.string().optional().describe('More follows: ask again with `pageToken` (before anything else)'),
  nextSyncToken: z.string().optional().describe('Last page: keep it, and pass it as `syncToken` next time to get only what changed'),
  next: z.string().describe('Older clients: the token to pass as `since` next time'),
  more: z.boolean().describe('Older clients: true when more changes wait: ask again at once'),
});

export const syncRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/sync',
    operationId: 'syncChanges',
    summary:
      'Keeps a device in step, as Google Calendar’s events.list syncToken flow does, across the caller’s own calendar and every calendar they read (GET /events’s calendars: each item with its ' +
      '`calendarID` and the caller’s `accessRole`; a free/busy reader’s items, and a reader’s private ones, are busy blocks `{busy: true, start, end, recurrence}`). Without `syncToken`: a full sync, ' +
      'every such event (not cancelled) in `items`, paged by `maxResults` (`nextPageToken` → `pageToken`); its last page carries `nextSyncToken`, taken before the first page was read, so what ' +
      'changes during a paged full sync is among the changes after it. With `syncToken`: the changes since then, paged the same way, the last page with a new `nextSyncToken`. The token names the ' +
      'calendars the device holds, and each request confirms them in the store: a calendar the caller may no longer read is taken back at once (a change per event it held, cause ' +
      '`CalendarAccessLost`, `event: null`), one newly readable is sent whole (`CalendarAccessGained`), one read with another role is sent again (`CalendarAccessChanged`). A token older than the ' +
      'kept history (7 days by default) answers 410 `SYNC_TOKEN_EXPIRED`: drop the local copy and start again with a full sync. `since` is the older name of `syncToken`',
    query: SyncQuery,
    responses: { 200: { description: 'One page of the full state or of the changes', schema: SyncResponse }, 400: { description: 'A token this server did not give out (names the field)' }, 410: { description: 'Token expired: start again with a full sync' } },
  },
  {
    method: 'get',
    path: '/sync/stream',
    operationId: 'streamChanges',
    summary:
      'Server-Sent Events: every change of `GET /sync`, live (the caller’s calendar and those they read; access taken back or given is sent as there, checked when the stream opens, when ' +
      'this server sees the calendar’s rules change and every 30 s); resumes after `Last-Event-ID`. A user may hold a few streams at once (default 5): one more is refused with 429 and ' +
      '`Retry-After`, and the streams already open stay open',
    headers: { 'Last-Event-ID': 'The id of the last event received' },
    responses: { 200: { description: 'text/event-stream' }, 400: { description: 'A token this server did not give out (names the field)' }, 410: { description: 'SYNC_TOKEN_EXPIRED: Last-Event-ID is older than the kept history' }, 429: { description: 'TOO_MANY_STREAMS: too many open streams for this user', headers: ['Retry-After'] }, 503: { description: 'SERVER_BUSY: the server holds as many streams as it can', headers: ['Retry-After'] } },
  },
];

function tokenExpired(): DomainError {
  return new DomainError('SYNC_TOKEN_EXPIRED', 'the token is older than the kept history; load the calendar again and sync from the new token');
}

export interface SyncHub {
  /** Tells open streams that changes were committed in this process. */
  notify(): void;
  /** Tells open streams that a calendar's rules changed (this process indexed them): those it may concern settle their calendars now. */
  calendarsChanged(touched: GrantsTouched): void;
  /** Ends every open stream and the fan-out loop (shutdown). */
  closeAll(): Promise<void>;
}

export interface SyncRouteOptions {
  db: SqlExecutor;
  /** Calendar rules are read from it on every request (never from a projection). */
  store: EventStore;
  logger: Logger;
  clock: () => Date;
  pollMs: number;
  heartbeatMs: number;
  /** Open `/sync/stream` connections one user may hold; one more answers 429 (the open ones are kept). */
  streamsPerUser: number;
  /** Open streams of this process in all; one more answers 503. */
  maxStreams: number;
  /** How often an open stream confirms its calendars in the store without being told (default 30 s). */
  calendarCheckMs?: number;
}

/** How long a refused stream should wait before trying again (RFC 9110 §10.2.3). */
const STREAM_RETRY_AFTER_SECONDS = '30';

const DEFAULT_CALENDAR_CHECK_MS = 30_000;

/** Transitions (a calendar sent whole or taken back) one `GET /sync` page may go through before it answers. */
const MAX_TRANSITIONS_PER_PAGE = 8;

export function syncRoutes(deps: SyncRouteOptions): { router: Router; hub: SyncHub } {
  const router = Router();
  const fanout = changeFanout({ db: deps.db, store: deps.store, pollMs: deps.pollMs, logger: deps.logger });
  const open = new Map<Response, SyncStreamSession>();
  const streamsOf = new Map<string, number>();
  let codec: Promise<SyncTokenCodec> | undefined;

  /** The token codec, its key read (or made) once; a failed read is tried again by the next request. */
  function tokenCodec(): Promise<SyncTokenCodec> {
    codec ??= loadSyncTokenCodec(deps.db).catch((err: unknown) => {
      codec = undefined;
      throw err;
    });
    return codec;
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
   * the changes after `nextSyncToken`, whichever pages did or did not see it. The calendars are those the
   * caller reads when the first page is asked for; the sync token names them.
   */
  async function fullSync(codec: SyncTokenCodec, userID: string, page: FullState | undefined, maxResults: number) {
    let state = page;
    if (state) {
      if (state.at < (await prunedThrough(deps.db))) throw tokenExpired();
    } else {
      const at = await currentToken(deps.db);
      const { roles } = await readableCalendars(deps, userID, []);
      state = { kind: 'full', at, calendars: new Map([...roles].map(([id, role]) => [id, { role }])), principal: 0 };
    }
    const reader = once(() => calendarReaderOf(deps.store, userID));
    const result = await fullSyncPage(deps, userID, reader, state, maxResults);
    const synced: ChangesState = { kind: 'changes', at: state.at, calendars: state.calendars };
    return {
      items: result.items,
      // The older poll-only fields: a client that knows no full sync starts from this position, as it always did.
      changes: [],
      ...(result.done ? { nextSyncToken: codec.syncToken(userID, synced) } : { nextPageToken: codec.pageToken(userID, result.state) }),
      next: codec.syncToken(userID, synced),
      more: false,
    };
  }

  /**
   * One page of what changed for a device in `state`: first the calendars it holds brought in line with
   * those the caller reads now (confirmed in the store: calendarTransitions.ts), then the feed. At most
   * `maxResults` changes and MAX_TRANSITIONS_PER_PAGE transitions; a page may hold fewer (only a missing
   * `nextPageToken` ends the run).
   */
  async function changes(codec: SyncTokenCodec, userID: string, from: ChangesState, maxResults: number) {
    const pruned = await prunedThrough(deps.db);
    if (from.at < pruned) throw tokenExpired();
    const held = [...from.calendars.keys(), ...(from.transition ? [from.transition.calendarID] : [])];
    const { roles } = await readableCalendars(deps, userID, held);
    const entries: SyncEntry[] = [];
    let state = from;
    let more = false;
    for (let transitions = 0; ; transitions += 1) {
      const next = await nextTransition(state, roles, () => currentToken(deps.db));
      if (!next) break;
      state = next;
      if (entries.length >= maxResults || transitions >= MAX_TRANSITIONS_PER_PAGE) {
        more = true;
        break;
      }
      const page = await transitionPage(deps.db, userID, state, maxResults - entries.length, deps.clock());
      entries.push(...page.entries);
      state = page.state;
    }
    if (!more && state.transition === undefined) {
      if (entries.length < maxResults) {
        const page = await feedPage(deps.db, userID, state, maxResults - entries.length);
        entries.push(...page.entries);
        state = page.state;
        more = page.more;
      } else {
        more = true;
      }
    }
    const token = codec.syncToken(userID, state);
    return {
      changes: entries.map((entry) => ({ token: entry.token, change: entry.change })),
      ...(more ? { nextPageToken: codec.pageToken(userID, state) } : { nextSyncToken: token }),
      next: token,
      more,
    };
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
    const codec = await tokenCodec();
    const token = query.syncToken ?? query.since;
    const state = query.pageToken
      ? codec.decode(userID, query.pageToken, 'pageToken')
      : token ? codec.decode(userID, token, query.syncToken !== undefined ? 'syncToken' : 'since') : undefined;
    const body = state === undefined || state.kind === 'full'
      ? await fullSync(codec, userID, state, query.maxResults)
      : await changes(codec, userID, state, query.maxResults);
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
    const token = fromHeader ? lastEventID : since;
    const field = fromHeader ? 'Last-Event-ID' : 'since';
    if (token !== undefined && token.length > MAX_SYNC_TOKEN_CHARS) throw new DomainError('VALIDATION_FAILED', 'the sync token is not one this server gave out', [{ path: field, message: 'not a sync token' }]);
    const codec = await tokenCodec();
    let start: ChangesState;
    if (token === undefined || token === '') {
      // From now: the device holds what the caller reads now.
      const at = await currentToken(deps.db);
      const { roles } = await readableCalendars(deps, userID, []);
      start = { kind: 'changes', at, calendars: new Map([...roles].map(([id, role]) => [id, { role }])) };
    } else {
      const decoded = codec.decode(userID, token, field);
      if (decoded.kind !== 'changes') throw new DomainError('VALIDATION_FAILED', 'the sync token is not one this server gave out', [{ path: field, message: 'not a sync token' }]);
      if (decoded.at < (await prunedThrough(deps.db))) throw tokenExpired();
      start = decoded;
    }
    // The device may have gone while the position was read: then there is nothing to hold open (and no
    // 'close' will come to give its place back).
    if (req.socket.destroyed) return;
    // Checked again after the awaits above: two requests of one user may have passed the first check together.
    refuseOverCap(userID, res);
    // HTML Living Standard §9.2 (server-sent events): event stream, no caching, no proxy buffering.
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'private, no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: position ${codec.syncToken(userID, start)}\n\n`);
    const isOpen = () => !res.destroyed && !res.writableEnded;
    const write = {
      write(chunk: string) {
        if (isOpen()) res.write(chunk);
      },
      drained: () => new Promise<void>((resolve) => {
        if (!isOpen() || !res.writableNeedDrain) return resolve();
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      }),
    };
    const session = syncStreamSession({ db: deps.db, store: deps.store, codec, fanout, logger: deps.logger, clock: deps.clock, calendarCheckMs: deps.calendarCheckMs ?? DEFAULT_CALENDAR_CHECK_MS }, userID, start, write, isOpen);
    open.set(res, session);
    streamsOf.set(userID, (streamsOf.get(userID) ?? 0) + 1);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      session.close();
      open.delete(res);
      const left = (streamsOf.get(userID) ?? 1) - 1;
      if (left > 0) streamsOf.set(userID, left);
      else streamsOf.delete(userID);
    };
    req.on('close', close);
    res.on('close', close);
    session.open();
  });

  return {
    router,
    hub: {
      notify: () => fanout.wake(),
      calendarsChanged(touched) {
        for (const session of open.values()) session.calendarsChanged(touched);
      },
      async closeAll() {
        for (const res of open.keys()) res.end();
        await fanout.stop();
      },
    },
  };
}

/** `read`'s promise, made on first use only. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= read());
}
