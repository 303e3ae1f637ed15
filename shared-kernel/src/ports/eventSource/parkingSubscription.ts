import type { Logger } from 'pino';
import type { RecordedEvent } from '../../events/recordedEvent';
import type { EventStore } from '../eventStore/eventStore';
import { wakeableSleep } from '../wakeableSleep';
import type { EventBatchHandler, EventSource, EventSubscription } from './eventSource';
import type { ParkedEvents } from './parkedEvents';

/**
 * True for failures that the same event will meet again however often it is delivered: it cannot be
 * parsed (zod), the data breaks an invariant (Range/Type errors, domain and recurrence errors), or the
 * database refuses the value itself (SQLSTATE classes 22 data exception, 23 integrity, 54 limits).
 * Anything else (a connection refused, a timeout, a broker away) is retried, never parked.
 */
export function isUnprocessableEventError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code)) return true;
  if (name === 'TypeError' && typeof message === 'string' && /fetch failed|socket|network/i.test(message)) return false;
  return ['ZodError', '$ZodError', 'RangeError', 'TypeError', 'SyntaxError', 'RecurrenceError', 'DomainError', 'UnprocessableEventError'].includes(String(name));
}

export interface ParkingSubscriptionOptions {
  source: EventSource;
  /** Where a re-driven event is read back from. */
  store: EventStore;
  parked: ParkedEvents;
  logger: Logger;
  /** How often re-drive requests (`npm run redrive`) are looked for. */
  redriveIntervalMs?: number;
  isUnprocessable?: (error: unknown) => boolean;
}

export interface ParkingSubscription extends EventSubscription {
  /** Events of this group parked now (kept current by this process; refreshed on every re-drive look). */
  parkedCount(): number;
}

/**
 * Subscribes `handler` so that one event it can never handle does not stop the group for everyone:
 * a failed batch is handed over again one event at a time, an event that fails with an unprocessable
 * error is parked (stream, version, type, error) and the rest goes on; a transient failure still
 * rejects, so the source delivers the batch again. Handlers are idempotent (the EventSource contract),
 * so handing events over again is safe. Parked events are retried when an operator asks (`npm run
 * redrive`, which flags rows; this loop picks them up), and released once handled.
 */
export async function subscribeWithParking(consumerGroup: string, handler: EventBatchHandler, options: ParkingSubscriptionOptions): Promise<ParkingSubscription> {
  const { parked, store } = options;
  const log = options.logger.child({ consumerGroup });
  const unprocessable = options.isUnprocessable ?? isUnprocessableEventError;
  const redriveIntervalMs = options.redriveIntervalMs ?? 5000;
  await parked.ensureSchema();
  let parkedNow = await parked.count(consumerGroup);
  if (parkedNow > 0) log.warn({ parked: parkedNow }, 'this consumer group has parked events; re-drive them after a fix with `npm run redrive`');

  // Re-drive runs alone: handler calls wait for it, and it waits for those in flight.
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let redriving: Promise<void> | undefined;

  const handleOne = async (event: RecordedEvent): Promise<boolean> => {
    try {
      await handler([event]);
      return true;
    } catch (error) {
      if (!unprocessable(error)) throw error;
      await parked.park(consumerGroup, event, error);
      parkedNow = await parked.count(consumerGroup);
      log.error({ err: error, streamName: event.streamName, streamVersion: event.streamVersion, eventType: event.type, parked: parkedNow }, 'parked an event this consumer cannot handle; going on with the rest');
      return false;
    }
  };

  const guarded: EventBatchHandler = async (batch) => {
    while (redriving) await redriving;
    inFlight += 1;
    try {
      try {
        await handler(batch);
        return;
      } catch (error) {
        if (batch.length === 1 && !unprocessable(error)) throw error;
        if (batch.length > 1) log.warn({ err: error, events: batch.length }, 'a batch failed; handing its events over one at a time');
      }
      for (const event of batch) await handleOne(event);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  };

  const redrive = async (): Promise<void> => {
    const requests = await parked.redriveRequests(consumerGroup);
    if (requests.length === 0) {
      parkedNow = await parked.count(consumerGroup);
      return;
    }
    let release!: () => void;
    redriving = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      idle = undefined;
      const streams = new Map<string, RecordedEvent[]>();
      for (const { streamName, streamVersion } of requests) {
        if (!streams.has(streamName)) streams.set(streamName, (await store.readStream(streamName)).events);
        const event = streams.get(streamName)?.find((e) => e.streamVersion === streamVersion);
        if (event && !(await handleOne(event))) continue;
        await parked.release(consumerGroup, streamName, streamVersion);
        log.info({ streamName, streamVersion, found: event !== undefined }, 're-drove a parked event');
      }
      parkedNow = await parked.count(consumerGroup);
    } finally {
      redriving = undefined;
      release();
    }
  };

  const subscription = await options.source.subscribe(consumerGroup, guarded);
  let running = true;
  const { sleep, wake } = wakeableSleep();
  const loop = (async () => {
    while (running) {
      try {
        await redrive();
      } catch (error) {
        log.warn({ err: error }, 'looking for re-drive requests failed; trying again later');
      }
      if (running) await sleep(redriveIntervalMs);
    }
  })();

  return {
    async stop() {
      running = false;
      wake();
      await loop;
      await subscription.stop();
    },
    isHealthy: () => subscription.isHealthy(),
    parkedCount: () => parkedNow,
  };
}

/** What readiness says about parked events: degraded (the service serves, some events wait for a fix), with the counts for operators. */
export function parkedEventsReadiness(counts: Record<string, number>): { degraded: string[]; details: Record<string, unknown> } {
  const degraded = Object.entries(counts).filter(([, n]) => n > 0).map(([group, n]) => `${n} parked event(s) in consumer group ${group}; see npm run redrive -- --list`);
  return { degraded, details: { parkedEvents: counts } };
}
