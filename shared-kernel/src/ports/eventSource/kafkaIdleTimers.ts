/**
 * kafkajs 2.2.4 (the last release; the project is unmaintained) keeps every broker connection's request
 * queue polling itself once a millisecond while nothing is pending: `scheduleCheckPendingRequests` sets a
 * timer for `throttledUntil - now`, which is negative when not throttled, and the check it fires schedules
 * the next one (kafkajs issue #1556; the fix proposed in PR #1667 was never released). Each idle producer and
 * consumer so spent 4–9% of a core, and woke its event loop a thousand times a second, doing nothing.
 *
 * The queue only needs a timer while a request waits (on a throttle, or on the in-flight cap as kafkajs also
 * re-checks it): a queue with nothing pending has nothing to check. This replaces the method on kafkajs' own
 * class with that rule.
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' retry interval for a queue that is throttled but whose throttle end has passed. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

let patched = false;

/** The kafkajs class every broker connection queues its requests in (internal: kafkajs exports no such API). */
export function kafkajsRequestQueueClass(): { prototype: RequestQueueInternals } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
}

/** Makes idle kafkajs connections idle (see above). Idempotent; call before any kafkajs client connects. */
export function stopIdleKafkaTimers(): void {
  if (patched) return;
  patched = true;
  kafkajsRequestQueueClass().prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledForMs = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS);
  };
}
