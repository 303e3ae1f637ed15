import type { CalendarState } from '@datebook/shared-kernel';
import { type EventStore, readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { backgroundLoop } from '../background/loop';
import { type FeedRow, principalRows } from './changeFeed';

/** What one round of the loop shares among its streams: each calendar's rules read from the store at most once. */
export interface FanoutRound {
  calendar(calendarID: string): Promise<CalendarState>;
}

/** One open stream, as the loop sees it. */
export interface FanoutStream {
  /** The last sequence number this stream has sent up to. */
  position(): bigint;
  /** Whose rows it reads: its user's, and each calendar it follows. */
  principals(): ReadonlySet<string>;
  /** True while it cannot take rows (its calendars are being settled): the round passes it over. */
  busy(): boolean;
  /** Its principals' rows after its position, whole changes only, in sequence order. */
  take(rows: FeedRow[], round: FanoutRound): Promise<void>;
}

const PAGE = 1_000;

/**
 * Feeds every open change stream of this process from one poll loop: each round reads the rows of every
 * principal (user or calendar) some open stream reads, each from the oldest position among those streams,
 * in ONE query, and hands each stream the rows of its principals beyond its own position. N open streams
 * cost one query per poll interval, not N. Commits in this process wake the loop at once (`wake`); the
 * poll catches changes committed by other notifier processes.
 *
 * A new stream is caught up by the same loop (it is woken when the stream opens), so there is no
 * separate catch-up read that could race with the loop: every entry is sent once, in sequence order.
 * The rows of one change are consecutive: a page that ends inside one leaves it whole for the next round.
 */
export function changeFanout(deps: { db: SqlExecutor; store: EventStore; pollMs: number; logger: Logger }) {
  const streams = new Set<FanoutStream>();
  let started = false;

  async function tick(): Promise<boolean> {
    const ready = [...streams].filter((stream) => !stream.busy());
    if (ready.length === 0) return false;
    const oldest = new Map<string, bigint>();
    // Each row goes to its principal's streams only: rows × those streams, not rows × every open stream.
    const byPrincipal = new Map<string, FanoutStream[]>();
    for (const stream of ready) {
      const position = stream.position();
      for (const principalID of stream.principals()) {
        const seen = oldest.get(principalID);
        if (seen === undefined || position < seen) oldest.set(principalID, position);
        const readers = byPrincipal.get(principalID);
        if (readers) readers.push(stream);
        else byPrincipal.set(principalID, [stream]);
      }
    }
    const rows = await principalRows(deps.db, oldest, PAGE);
    const full = rows.length === PAGE;
    const whole = full ? withoutLastChange(rows) : rows;
    const given = new Map<FanoutStream, FeedRow[]>();
    for (const row of whole) {
      for (const stream of byPrincipal.get(row.principalID) ?? []) {
        if (row.seq <= stream.position()) continue;
        const mine = given.get(stream);
        if (mine) mine.push(row);
        else given.set(stream, [row]);
      }
    }
    const calendars = new Map<string, Promise<CalendarState>>();
    const round: FanoutRound = {
      calendar(calendarID) {
        let read = calendars.get(calendarID);
        if (!read) {
          read = readCalendar(deps.store, calendarID).then((loaded) => loaded.state);
          calendars.set(calendarID, read);
        }
        return read;
      },
    };
    // Every stream's turn ends before the round does; one that failed makes the loop wait before the next.
    const failed = (await Promise.allSettled([...given].map(([stream, mine]) => stream.take(mine, round)))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return full;
  }

  const loop = backgroundLoop({ tick, idleMs: deps.pollMs, errorMs: deps.pollMs, onError: (err) => deps.logger.warn({ err }, 'sync fan-out read failed; retrying') });

  return {
    /** Starts feeding `stream` from its position; the loop runs at once to catch it up. */
    add(stream: FanoutStream): void {
      streams.add(stream);
      if (!started) {
        started = true;
        loop.start();
      }
      loop.wake();
    },
    remove(stream: FanoutStream): void {
      streams.delete(stream);
    },
    /** Changes were committed in this process (or a stream can take rows again): read now rather than at the next poll. */
    wake(): void {
      if (started) loop.wake();
    },
    get size(): number {
      return streams.size;
    },
    async stop(): Promise<void> {
      streams.clear();
      started = false;
      await loop.stop();
    },
  };
}
export type ChangeFanout = ReturnType<typeof changeFanout>;

/** The rows without the change the last one belongs to (it may go on past the page), unless that is all of them. */
function withoutLastChange(rows: FeedRow[]): FeedRow[] {
  const last = rows.at(-1);
  if (!last) return rows;
  let cut = rows.length;
  while (cut > 0 && rows[cut - 1]?.change.eventID === last.change.eventID && rows[cut - 1]?.change.version === last.change.version) cut -= 1;
  return cut === 0 ? rows : rows.slice(0, cut);
}
