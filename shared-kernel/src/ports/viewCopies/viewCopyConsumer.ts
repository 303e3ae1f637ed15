import type { CalendarViewsLogger } from '../calendarViews/calendarViews';
import type { CalendarViewCopier } from './calendarViewCopier';
import type { RedisViewCopyRequests } from './redisViewCopyRequests';

/**
 * The projector taking the query side's copy requests off Redis and handing them to its copier: while
 * requests wait, each copy that ends makes room for the next at once (after a Redis flush or failover a
 * whole active population asks at once; one batch per poll would take minutes to serve it). Once the
 * list is empty it looks again every `pollMs` (a real timer: the requests come from another process).
 * While Redis fails it tries again every `retryMs`, saying so once per outage.
 */
export function consumeViewCopyRequests(requests: RedisViewCopyRequests, copier: CalendarViewCopier, options: { pollMs?: number; retryMs?: number; logger?: CalendarViewsLogger } = {}): { stop(): Promise<void> } {
  const pollMs = options.pollMs ?? 100;
  const retryMs = options.retryMs ?? 5_000;
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    let next = pollMs;
    try {
      while (!stopped) {
        await copier.whenRoom();
        const room = copier.room();
        // Paused after a failed copy: the requests stay in the list for later, rather than be taken and dropped.
        if (room === 0) break;
        const userIDs = await requests.take(room);
        for (const userID of userIDs) await copier.request(userID);
        if (userIDs.length < room) break;
      }
      failing = false;
    } catch (err) {
      if (!failing) options.logger?.warn({ err, retryMs }, 'could not take calendar view copy requests; trying again');
      failing = true;
      next = retryMs;
    }
    if (!stopped) timer = setTimeout(() => (running = drain()), next);
  }

  running = drain();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await copier.settled();
    },
  };
}
