import { parseUserEvent } from '../aggregates/user/events';
// The User aggregate's fold of its sessions (the same its `evolve` delegates to): only revocation events are read.
import { foldSessionRevocations, isSessionRevoked, noRevocations, type SessionRevocationState } from '../aggregates/user/sessions';
import type { EventStore, StreamReadResult } from '../ports/eventStore/eventStore';
import { userStreamName } from '../aggregates/user/decider';
import type { RevocationCheck, Session } from './auth';

/** How long a user's revocations are trusted from memory: the bound on how late another process honours a revocation. */
export const REVOCATION_CACHE_MS = 5_000;
const MAX_CACHED_USERS = 50_000;
/** Users read in one store round trip at most (the rest of a larger turn's batch in further ones). */
const MAX_USERS_PER_READ = 500;

interface CaughtUp {
  state: SessionRevocationState;
  version: number | null;
}

export interface SessionRevocations extends RevocationCheck {
  /** Forgets what is known of a user, so the next check reads the store: the process that revoked calls it, which makes its revocation immediate there. */
  forget(userID: string): void;
}

interface Cached {
  state?: SessionRevocationState;
  /** The stream version `state` is folded up to (null: the stream did not exist). */
  version?: number | null;
  loadedAt: number;
  loading?: Promise<SessionRevocationState>;
}

/**
 * Revoked sessions, read from the User streams of the event store (strongly consistent) and kept in
 * memory for `maxAgeMs` per user, so a hot read costs two map look-ups and, per user, one store read
 * every `maxAgeMs` at most. That read asks only for the events appended since the version already
 * folded (an index range that is almost always empty), not the whole stream again, and the users checked
 * in one turn of the loop are read together (`readStreams`): many people asking at once cost one round trip. A revocation takes
 * effect at once in the process that made it (it calls `forget`) and within `maxAgeMs` in every other process.
 */
export function sessionRevocations(store: EventStore, options: { clock: () => Date; maxAgeMs?: number }): SessionRevocations {
  const maxAgeMs = options.maxAgeMs ?? REVOCATION_CACHE_MS;
  const now = () => options.clock().getTime();
  const cache = new Map<string, Cached>();

  /** Reads waiting for this turn's batch: every user checked in one turn of the loop is read in one store round trip. */
  let batch: { userID: string; previous: Cached | undefined; done: (result: Promise<CaughtUp>) => void }[] | undefined;

  /** `previous` brought up to the stream's end (or the whole stream folded, when nothing was kept). */
  function caughtUp(userID: string, previous: Cached | undefined): Promise<CaughtUp> {
    return new Promise((done) => {
      if (!batch) {
        batch = [];
        setImmediate(readBatch);
      }
      batch.push({ userID, previous, done });
    });
  }

  function readBatch(): void {
    const reads = batch ?? [];
    batch = undefined;
    for (let from = 0; from < reads.length; from += MAX_USERS_PER_READ) {
      const part = reads.slice(from, from + MAX_USERS_PER_READ);
      const known = part.map(({ previous }) => (previous?.state && previous.version !== undefined && previous.version !== null ? { state: previous.state, version: previous.version } : undefined));
      const asked = part.map(({ userID }, i) => ({ streamName: userStreamName(userID), ...(known[i] ? { afterVersion: known[i].version } : {}) }));
      const read = Promise.resolve().then(() => store.readStreams(asked));
      // A batch that fails is read again user by user: one user's failure fails only their own check, as before batching.
      part.forEach(({ done }, i) => done(read.then((results) => results[i]!, () => store.readStream(asked[i]!.streamName, asked[i]!.afterVersion)).then((result) => folded(known[i]?.state, result))));
    }
  }

  function folded(before: SessionRevocationState | undefined, { events, currentVersion }: StreamReadResult): CaughtUp {
    let state = before ?? noRevocations();
    for (const recorded of events) {
      if (recorded.type !== 'SessionRevoked' && recorded.type !== 'SessionsRevoked') continue;
      const event = parseUserEvent(recorded);
      if (event) state = foldSessionRevocations(state, event);
    }
    return { state, version: currentVersion };
  }

  function load(userID: string, previous: Cached | undefined): Promise<SessionRevocationState> {
    const entry: Cached = { loadedAt: now() };
    // Concurrent checks of one user share one read.
    entry.loading = caughtUp(userID, previous).then(
      ({ state, version }) => {
        // A `forget` while reading dropped this entry: what was read may predate the revocation, so it is not kept.
        if (cache.get(userID) === entry) cache.set(userID, { state, version, loadedAt: entry.loadedAt });
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
