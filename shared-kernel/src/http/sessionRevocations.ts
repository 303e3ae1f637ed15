import { parseUserEvent } from '../aggregates/user/events';
// The User aggregate's fold of its sessions (the same its `evolve` delegates to): only revocation events are read.
import { foldSessionRevocations, isSessionRevoked, noRevocations, type SessionRevocationState } from '../aggregates/user/sessions';
import { ACCESS_STAMP_READER_MAX_AGE_MS, type AccessStamps } from '../ports/accessStamps/accessStamps';
import type { EventStore } from '../ports/eventStore/eventStore';
import { userStreamName } from '../aggregates/user/decider';
import type { RevocationCheck, Session } from './auth';

/** How long a user's revocations are trusted from memory: the bound on how late another process honours a revocation. */
export const REVOCATION_CACHE_MS = 5_000;
const MAX_CACHED_USERS = 50_000;

export interface SessionRevocations extends RevocationCheck {
  /** Forgets what is known of a user, so the next check reads the store: the process that revoked calls it, which makes its revocation immediate there. */
  forget(userID: string): void;
}

interface Cached {
  state?: SessionRevocationState;
  /** When `state` was last vouched for: read from the store, or renewed by its unchanged access stamp. */
  loadedAt: number;
  /** The user's access stamp read just before the stream (none: stamps unread, or the user had none). */
  stamp?: string;
  /** When the stream was read. */
  readAt?: number;
  loading?: Promise<SessionRevocationState>;
}

/**
 * Revoked sessions, read from the User streams of the event store (strongly consistent) and kept in
 * memory for `maxAgeMs` per user, so a hot read costs two map look-ups and, per user, one stream read
 * every `maxAgeMs` at most. A revocation takes effect at once in the process that made it (it calls
 * `forget`) and within `maxAgeMs` in every other process.
 *
 * With `stamps`, what was read is kept past `maxAgeMs` while the user's access stamp reads as it did just
 * before the stream was read (every append to a User stream moves it: stampingEventStore), for at most
 * ACCESS_STAMP_READER_MAX_AGE_MS: a user who keeps using the API costs one stamp read every `maxAgeMs`,
 * not a read of their whole stream. The bound on how late a revocation is honoured stays `maxAgeMs`.
 */
export function sessionRevocations(store: EventStore, options: { clock: () => Date; maxAgeMs?: number; stamps?: AccessStamps }): SessionRevocations {
  const maxAgeMs = options.maxAgeMs ?? REVOCATION_CACHE_MS;
  const { stamps } = options;
  const now = () => options.clock().getTime();
  const cache = new Map<string, Cached>();

  async function readStream(userID: string): Promise<SessionRevocationState> {
    const { events } = await store.readStream(userStreamName(userID));
    let state = noRevocations();
    for (const recorded of events) {
      if (recorded.type !== 'SessionRevoked' && recorded.type !== 'SessionsRevoked') continue;
      const event = parseUserEvent(recorded);
      if (event) state = foldSessionRevocations(state, event);
    }
    return state;
  }

  /**
   * The state anew, or the one kept if the user's stamp has not moved since it was read; the entry records which.
   * The stamp is taken with `current` (made when missing): the user is known to exist (their token is signed), and
   * a stamp made before the stream is read vouches for the read as one read before it does (a write moves it first).
   */
  async function refreshed(userID: string, entry: Cached, previous: Cached | undefined): Promise<SessionRevocationState> {
    const stamp = stamps ? (await stamps.current([userID]))?.[0] : undefined;
    if (previous?.state && stamp !== undefined && previous.stamp === stamp && entry.loadedAt - (previous.readAt ?? 0) < ACCESS_STAMP_READER_MAX_AGE_MS) {
      Object.assign(entry, { stamp, readAt: previous.readAt });
      return previous.state;
    }
    const state = await readStream(userID);
    if (stamp !== undefined) Object.assign(entry, { stamp, readAt: entry.loadedAt });
    return state;
  }

  function load(userID: string, previous: Cached | undefined): Promise<SessionRevocationState> {
    const entry: Cached = { loadedAt: now() };
    // Concurrent checks of one user share one read.
    entry.loading = refreshed(userID, entry, previous).then(
      (state) => {
        // A `forget` while reading dropped this entry: what was read may predate the revocation, so it is not kept.
        if (cache.get(userID) === entry) cache.set(userID, { state, loadedAt: entry.loadedAt, ...(entry.stamp !== undefined ? { stamp: entry.stamp, readAt: entry.readAt } : {}) });
        return state;
      },
      (error: unknown) => {
        if (cache.get(userID) === entry) cache.delete(userID);
        throw error;
      },
    );
    if (cache.size >= MAX_CACHED_USERS) cache.clear();
    cache.set(userID, entry);
    return entry.loading;
  }

  return {
    isRevoked(session: Session): boolean | Promise<boolean> {
      const cached = cache.get(session.userID);
      if (cached?.state && now() - cached.loadedAt < maxAgeMs) return isSessionRevoked(cached.state, session.sessionID, session.generation);
      const pending = cached?.loading ?? load(session.userID, cached);
      return pending.then((state) => isSessionRevoked(state, session.sessionID, session.generation));
    },
    forget(userID) {
      cache.delete(userID);
    },
  };
}
