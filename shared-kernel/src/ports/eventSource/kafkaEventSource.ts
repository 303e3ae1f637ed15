import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import pino, { type Logger } from 'pino';
import type { RecordedEvent } from '../../events/recordedEvent';
import type { EventBatchHandler, EventSource, EventSubscription } from './eventSource';
import { backoffDelay, type KafkaConnectionOptions, kafkaClient } from './kafkaConnection';
import { DEFAULT_EVENTS_TOPIC, fromKafkaValue } from './kafkaEventCodec';
import { QUIET_WAIT_MS } from './kafkaQuietFetches';

export interface KafkaEventSourceOptions {
  connection: KafkaConnectionOptions;
  /** The topic the relay publishes to. The relay creates it; a consumer never does. */
  topic?: string;
  logger?: Logger;
  /** Most events handed to the handler at once; a larger fetched batch is handed over in chunks. */
  maxBatchSize?: number;
  /** Pause before a failed batch is delivered again; doubles per failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  /** Cap of that pause, and of the delay between reconnection attempts while the broker is down. */
  maxRetryDelayMs?: number;
  /**
   * How long a fetch waits at the broker for `minFetchBytes` to gather (an idle fetch, for anything); also
   * bounds how fast `stop()` returns. Default 1000 ms.
   */
  maxWaitMs?: number;
  /**
   * What a fetch waits for, at most `maxWaitMs`. Default 1 byte: any event answers at once. More gathers the
   * events of a steady trickle into fewer, larger batches: a projection pays its transaction and round trips
   * per batch, not per event (the projector and the notifier: 64 KiB within 20 ms).
   */
  minFetchBytes?: number;
  heartbeatIntervalMs?: number;
  /** How long the group waits for a silent member before giving its partitions to the others. */
  sessionTimeoutMs?: number;
  /**
   * Partitions whose batches are handled at once (order within each partition is kept). Default 1;
   * more only for handlers that tolerate concurrent batches of different streams, such as the projections.
   */
  partitionsInParallel?: number;
  /**
   * How often, at most, the handled offsets are committed (and when the consumer stops). Default 250 ms: a
   * commit per chunk put a broker round trip between every two chunks of a partition and was most of the
   * broker's work under steady traffic. A crash redelivers at most what was handled since (at least once, as ever).
   */
  commitEveryMs?: number;
}

/**
 * The EventSource on Kafka: each consumer group is a kafkajs consumer group on the relay's topic.
 * - A new group starts at the earliest offset; an existing one resumes at its committed offsets.
 * - Offsets are resolved only after the handler resolved for a chunk, and committed every `commitEveryMs`; when it rejects,
 *   the partition is paused with backoff and re-seeked to the chunk's first offset, so the same
 *   events come again. Other partitions keep flowing.
 * - A message that is not a RecordedEvent can never be handled: it is logged and skipped.
 * - Order holds per partition, hence per stream (the relay keys messages by stream name).
 */
export function kafkaEventSource(options: KafkaEventSourceOptions): EventSource {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const logger = (options.logger ?? pino({ level: 'warn' })).child({ component: 'kafkaEventSource', topic });
  // About what one fetch of a partition brings (kafkajs: 1 MB): a backlog is handled in few, large batches.
  const maxBatchSize = options.maxBatchSize ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  // Bounded kafkajs retries let an outage surface as a crash; a fresh consumer follows with capped backoff.
  const kafkaRetry = { initialRetryTime: Math.min(300, maxRetryDelayMs), maxRetryTime: maxRetryDelayMs, retries: 5 };
  const kafka = kafkaClient(options.connection, logger, kafkaRetry);
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const minFetchBytes = options.minFetchBytes ?? 1;
  const partitionsInParallel = options.partitionsInParallel ?? 1;
  const commitEveryMs = options.commitEveryMs ?? 250;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3000;
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
  // A healthy member heartbeats at least once per heartbeat interval plus one idle fetch (a quiet one long-polls: kafkaQuietFetches).
  const staleAfterMs = 2 * (heartbeatIntervalMs + Math.max(maxWaitMs, QUIET_WAIT_MS)) + 1000;

  return {
    async subscribe(consumerGroup: string, handler: EventBatchHandler): Promise<EventSubscription> {
      const log = logger.child({ consumerGroup });
      let running = true;
      let consumer: Consumer | undefined;
      let endLifetime: (() => void) | undefined;
      let joined = false;
      let handling = 0;
      /** Resolves the wait of a stopping consumer once no chunk is being handled. */
      let whenIdle: (() => void) | undefined;
      let lastContactAt = 0;
      const failures = new Map<number, number>();
      const timers = new Set<NodeJS.Timeout>();
      /** Per partition, the offset after the last handled chunk, until it is committed. */
      const committable = new Map<number, string>();
      let commitTimer: NodeJS.Timeout | undefined;
      const commitHandled = async (target: Consumer | undefined) => {
        clearTimeout(commitTimer);
        commitTimer = undefined;
        if (!target || committable.size === 0) return;
        const offsets = [...committable].map(([partition, offset]) => ({ topic, partition, offset }));
        committable.clear();
        // A commit refused (a rebalance moved the partition) only means those events may come again.
        await target.commitOffsets(offsets).catch((error: unknown) => log.debug({ err: error }, 'offset commit failed; those events may be delivered again'));
      };

      const decode = (messages: KafkaMessage[], partition: number): RecordedEvent[] =>
        messages.flatMap((message) => {
          try {
            return [fromKafkaValue(message.value)];
          } catch (error) {
            log.error({ err: error, partition, offset: message.offset }, 'skipping a message that is not a recorded event');
            return [];
          }
        });

      const eachBatch = async ({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }: EachBatchPayload) => {
        const { partition } = batch;
        for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
          if (!running || !isRunning() || isStale()) return;
          const chunk = batch.messages.slice(start, start + maxBatchSize);
          const first = chunk[0];
          const last = chunk.at(-1);
          if (!first || !last) return;
          const events = decode(chunk, partition);
          handling += 1;
          try {
            if (events.length > 0) await handler(events);
          } catch (error) {
            const failed = (failures.get(partition) ?? 0) + 1;
            failures.set(partition, failed);
            const delayMs = backoffDelay(failed, retryDelayMs, maxRetryDelayMs);
            log.warn({ err: error, partition, offset: first.offset, failures: failed, retryInMs: delayMs }, 'handler failed; the batch will be delivered again');
            const resume = pause();
            consumer?.seek({ topic: batch.topic, partition, offset: first.offset });
            const timer = setTimeout(() => {
              timers.delete(timer);
              resume();
            }, delayMs);
            timers.add(timer);
            return;
          } finally {
            handling -= 1;
            lastContactAt = Date.now();
            if (handling === 0) whenIdle?.();
          }
          failures.delete(partition);
          resolveOffset(last.offset);
          committable.set(partition, (BigInt(last.offset) + 1n).toString());
          // Stopping: runOnce commits this chunk once every chunk in hand is done.
          if (running && !commitTimer) {
            const target = consumer;
            commitTimer = setTimeout(() => void commitHandled(target), commitEveryMs);
          }
          await heartbeat();
        }
      };

      /** One kafkajs consumer, from connect until it crashes or the subscription stops; true if it joined. */
      const runOnce = async (): Promise<boolean> => {
        let joinedOnce = false;
        const current = kafka.consumer({
          groupId: consumerGroup,
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: maxWaitMs,
          minBytes: minFetchBytes,
          heartbeatInterval: heartbeatIntervalMs,
          sessionTimeout: sessionTimeoutMs,
          // Restarts are ours (a fresh consumer, our backoff): kafkajs restarting on its own races stop().
          retry: { ...kafkaRetry, restartOnFailure: async () => false },
        });
        consumer = current;
        const lifetime = new Promise<void>((resolve) => {
          endLifetime = resolve;
        });
        const contact = () => {
          lastContactAt = Date.now();
        };
        current.on(current.events.GROUP_JOIN, () => {
          joined = true;
          joinedOnce = true;
          // A new assignment: partitions that failed here may now belong to another member, and offsets
          // handled but not committed may now be another member's to commit (it handles those events again).
          failures.clear();
          committable.clear();
          contact();
        });
        current.on(current.events.HEARTBEAT, contact);
        current.on(current.events.COMMIT_OFFSETS, contact);
        current.on(current.events.CRASH, ({ payload }) => {
          joined = false;
          if (running) log.warn({ err: payload.error }, 'consumer crashed; starting a new one');
          endLifetime?.();
        });
        try {
          await current.connect();
          await current.subscribe({ topics: [topic], fromBeginning: true });
          if (!running) return joinedOnce;
          // Offsets are committed here (commitHandled), not by kafkajs after every batch.
          await current.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: partitionsInParallel, eachBatch });
          await lifetime;
          return joinedOnce;
        } finally {
          joined = false;
          // kafkajs drops any commit once its stop has begun (it waits for the batch in hand, then leaves the
          // group), so the chunks in hand finish and are committed first.
          if (handling > 0) {
            log.info({ chunks: handling }, 'stopping: committing once the chunks in hand are handled');
            await new Promise<void>((resolve) => {
              whenIdle = resolve;
            });
          }
          whenIdle = undefined;
          await commitHandled(current);
          await current.disconnect().catch((error: unknown) => log.warn({ err: error }, 'consumer disconnect failed'));
        }
      };

      const supervisor = (async () => {
        let attempts = 0;
        while (running) {
          try {
            attempts = (await runOnce()) ? 1 : attempts + 1;
          } catch (error) {
            attempts += 1;
            // A first miss is routine (the relay creates the topic); an outage must not flood the log.
            const level = attempts === 1 ? 'info' : attempts === 2 || attempts % 10 === 0 ? 'warn' : 'debug';
            if (running) log[level]({ err: error, attempts }, 'consumer could not start; retrying');
          }
          if (!running) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              timers.delete(timer);
              resolve();
            }, backoffDelay(attempts, retryDelayMs, maxRetryDelayMs));
            timers.add(timer);
            endLifetime = () => {
              clearTimeout(timer);
              timers.delete(timer);
              resolve();
            };
          });
        }
      })();

      return {
        async stop() {
          running = false;
          for (const timer of timers) clearTimeout(timer);
          timers.clear();
          endLifetime?.();
          await supervisor;
        },
        isHealthy: () =>
          running && joined && failures.size === 0 && (handling > 0 || Date.now() - lastContactAt < staleAfterMs),
      };
    },
  };
}
