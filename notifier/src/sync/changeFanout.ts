import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { backgroundLoop } from '../background/loop';
import type { CalendarChange, FeedEntry } from './changeFeed';

/** One open stream: the position it has sent up to, and where its entries go. */
export interface FanoutStream {
  readonly userID: string;
  /** The last sequence number this stream has sent (its Last-Event-ID). */
  position: bigint;
  send(entry: FeedEntry): void;
}

const PAGE = 1_000;

/**
 * Feeds every open change stream of this process from one poll loop: each round reads the changes of
 * all users with an open stream, each user from the oldest position among their streams, in ONE
 * query, and hands each stream what lies beyond its own position. N open streams cost one query per
 * poll interval, not N. Commits in this process wake the loop at once (`wake`); the poll catches
 * changes committed by other notifier processes.
 *
 * A new stream is caught up by the same loop (it is woken when the stream opens), so there is no
 * separate catch-up read that could race with the loop: every entry is sent once, in sequence order.
 */
export function changeFanout(deps: { db: SqlExecutor; pollMs: number; logger: Logger }) {
  const streams = new Set<FanoutStream>();
  let started = false;

  async function tick(): Promise<boolean> {
    if (streams.size === 0) return false;
    const oldest = new Map<string, bigint>();
    // Each row goes to its user's streams only: rows × that user's streams, not rows × every open stream.
    const byUser = new Map<string, FanoutStream[]>();
    for (const stream of streams) {
      const seen = oldest.get(stream.userID);
      if (seen === undefined || stream.position < seen) oldest.set(stream.userID, stream.position);
      const mine = byUser.get(stream.userID);
      if (mine) mine.push(stream);
      else byUser.set(stream.userID, [stream]);
    }
    const users = [...oldest.keys()];
    // Ordered by the bigint column (never by its text form, which sorts '10' before '9').
    const { rows } = await deps.db.query<{ token: string; user_id: string; change: CalendarChange }>(
      `select n.seq::text as token, n.user_id::text as user_id, n.change
       from notifier_changes n join unnest($1::uuid[], $2::bigint[]) as p(user_id, after) on n.user_id = p.user_id and n.seq > p.after
       order by n.seq limit $3`,
      [users, users.map((id) => (oldest.get(id) ?? 0n).toString()), PAGE],
    );
    for (const row of rows) {
      const seq = BigInt(row.token);
      for (const stream of byUser.get(row.user_id) ?? []) {
        if (seq <= stream.position) continue;
        stream.position = seq;
        stream.send({ token: row.token, change: row.change });
      }
    }
    return rows.length === PAGE;
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
    /** Changes were committed in this process: read them now rather than at the next poll. */
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
