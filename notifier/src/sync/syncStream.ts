import { type CalendarReader, normaliseEmail } from '@datebook/shared-kernel';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import type { GrantsTouched } from './calendarGrants';
import { nextTransition, transitionPage } from './calendarTransitions';
import type { ChangeFanout, FanoutRound, FanoutStream } from './changeFanout';
import { currentToken, type FeedRow } from './changeFeed';
import { changesOf, entriesOf, type SyncEntry } from './changeGroups';
import { followedRole, readableCalendars } from './readableCalendars';
import type { ChangesState, SyncTokenCodec } from './syncState';

/** Events read per page while a stream's calendar is sent or taken back. */
const SETTLE_PAGE = 500;

export interface SyncStreamDeps {
  db: SqlExecutor;
  store: EventStore;
  codec: SyncTokenCodec;
  fanout: ChangeFanout;
  logger: Logger;
  clock: () => Date;
  /** How often an open stream confirms its calendars in the store even when nothing in this process says they changed. */
  calendarCheckMs: number;
}

/** The connection: `write` queues a chunk; `drained` resolves once the device has taken what is queued (or has gone). */
export interface SseWriter {
  write(chunk: string): void;
  drained(): Promise<void>;
}

/**
 * One open `/sync/stream`: the feed of its user's calendar and of every calendar they read, as `GET /sync`
 * gives it, live. The device's state (position, calendars held, a calendar half sent) travels as each
 * event's id, so `Last-Event-ID` resumes exactly where it was.
 *
 * Its calendars are settled (confirmed in the store; a calendar no longer readable taken back, one newly
 * readable or with another role sent whole, calendarTransitions.ts) when it opens, when this process sees
 * a calendar of its user's change (`calendarsChanged`), every `calendarCheckMs`, and whenever the fan-out
 * brings it a calendar's rows that its rules in the store no longer give it as they were: those rows are
 * not sent, so a revoked reader's stream sends nothing more of the calendar from the moment the store says so.
 * While it settles, the fan-out passes it over; its rows wait for it in the feed.
 */
export function syncStreamSession(deps: SyncStreamDeps, userID: string, start: ChangesState, write: SseWriter, isOpen: () => boolean) {
  let state = start;
  let reader: CalendarReader = { userID };
  let settling = false;
  let again = false;
  let work: Promise<void> = Promise.resolve();
  const log = deps.logger.child({ userID });

  const send = (entry: SyncEntry) => write.write(`id: ${deps.codec.syncToken(userID, entry.state)}\nevent: change\ndata: ${JSON.stringify(entry.change)}\n\n`);
  /** Runs `task` after everything queued before it; its own failure is reported to the caller too (the fan-out then waits before its next round). */
  const serially = (task: () => Promise<void>) => {
    const run = work.then(task);
    work = run.catch((err: unknown) => log.warn({ err }, 'sync stream step failed; retried later'));
    return run;
  };

  async function settleNow(): Promise<void> {
    const held = [...state.calendars.keys(), ...(state.transition ? [state.transition.calendarID] : [])];
    const readable = await readableCalendars(deps, userID, held);
    reader = readable.reader;
    for (;;) {
      if (!isOpen()) return;
      const next = await nextTransition(state, readable.roles, () => currentToken(deps.db));
      if (!next) return;
      const page = await transitionPage(deps.db, userID, next, SETTLE_PAGE, deps.clock());
      for (const entry of page.entries) send(entry);
      state = page.state;
      // A calendar sent or taken back may be thousands of events: a page at a time, as fast as the device takes them.
      await write.drained();
    }
  }

  function settle(): void {
    if (settling) {
      again = true;
      return;
    }
    settling = true;
    // A failure is logged by `serially`; the next check (or the fan-out finding the calendar's rows) settles again.
    serially(async () => {
      try {
        do {
          again = false;
          await settleNow();
        } while (again && isOpen());
      } finally {
        settling = false;
        deps.fanout.wake();
      }
    }).catch(() => undefined);
  }

  async function take(given: FeedRow[], round: FanoutRound): Promise<void> {
    // What an earlier turn already sent is not sent again (the position is read when the round starts).
    const rows = given.filter((row) => row.seq > state.at);
    for (const calendarID of new Set(rows.map((row) => row.principalID))) {
      if (calendarID === userID) continue;
      if (followedRole(await round.calendar(calendarID), reader) !== state.calendars.get(calendarID)?.role) {
        settle();
        return;
      }
    }
    const { entries, state: after } = entriesOf(changesOf(rows), userID, state);
    // Queued, not awaited: the fan-out's round serves every stream, and one slow device must not hold the others.
    for (const entry of entries) send(entry);
    state = after;
  }

  const stream: FanoutStream = {
    position: () => state.at,
    principals: () => new Set([userID, ...state.calendars.keys()]),
    busy: () => settling,
    take: (rows, round) => serially(() => take(rows, round)),
  };
  const check = setInterval(settle, deps.calendarCheckMs);
  check.unref();

  return {
    stream,
    /** Settles its calendars first, then lets the fan-out feed it. */
    open(): void {
      settle();
      deps.fanout.add(stream);
    },
    close(): void {
      clearInterval(check);
      deps.fanout.remove(stream);
    },
    /** A calendar's rules changed in this process's view: settle if it may concern this stream. */
    calendarsChanged(touched: GrantsTouched): void {
      const email = reader.email === undefined ? undefined : normaliseEmail(reader.email);
      if (touched.userIDs.includes(userID) || (email !== undefined && touched.emails.includes(email)) || state.calendars.has(touched.calendarID)) settle();
    },
    /** The token of where the device is now. */
    token: () => deps.codec.syncToken(userID, state),
  };
}
export type SyncStreamSession = ReturnType<typeof syncStreamSession>;
