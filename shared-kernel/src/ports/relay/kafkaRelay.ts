import { type Message, Partitioners, type Producer } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { type LogPosition, type RecordedEvent, START_OF_LOG } from '../../events/recordedEvent';
import { backoffDelay, type KafkaConnectionOptions, kafkaClient } from '../eventSource/kafkaConnection';
import { DEFAULT_EVENTS_TOPIC, toKafkaMessage } from '../eventSource/kafkaEventCodec';
import type { EventStore } from '../eventStore/eventStore';
import { logCheckpoints } from '../sql/logCheckpoints';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { wakeableSleep } from '../wakeableSleep';

/** The first pause after a round that found nothing new; doubled per quiet round up to the poll interval. */
const FIRST_QUIET_POLL_MS = 5;

export interface KafkaRelayOptions {
  connection: KafkaConnectionOptions;
  topic?: string;
  /**
   * Partitions of the topic when the relay creates it (how many consumers of a group share the work); an
   * existing topic is kept as it is, with a warning when it has fewer. Default 4.
   */
  partitions?: number;
  /** Replication factor when the relay creates the topic; the broker's default when absent. */
  replicationFactor?: number;
  /** Key of the checkpoint row; defaults to the topic, so a new topic starts from the beginning of the log. */
  name?: string;
  /** Most events read from the store per round. */
  batchSize?: number;
  /**
   * How often, at most, the position Kafka acknowledged is saved while the relay stays busy (it is saved
   * too whenever a round finds nothing new). Default 250 ms. A crash republishes at most what was sent
   * since (delivery is at least once either way); a save per round put a commit between every two rounds.
   */
  checkpointEveryMs?: number;
  /** Most bytes per produce request, below the broker's message.max.bytes (1 MiB by default). */
  maxRequestBytes?: number;
  /**
   * How often, at most, to look for appends by other processes when no in-process append woke the
   * relay. Right after publishing it looks again within 5 ms, backing off to this when the log stays
   * quiet: under steady traffic an append waits a few milliseconds for the relay, not half the interval.
   */
  pollIntervalMs?: number;
  /** First pause after a failure; doubles per consecutive failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  logger?: Logger;
}

export interface KafkaRelayStatus {
  running: boolean;
  healthy: boolean;
  /** Last log position acknowledged by Kafka and saved (saved at most `checkpointEveryMs` after, while busy). */
  checkpoint: LogPosition;
  /** Events acknowledged by Kafka since `start()`. */
  publishedEvents: number;
  /** Events read from the store and not yet acknowledged by Kafka. */
  pendingEvents: number;
  /**
   * Age of the oldest event read but not yet acknowledged; 0 when caught up. The relay's lag in time:
   * a lag in events would need a count over the log, which the EventStore port does not offer cheaply.
   */
  lagMs: number;
  consecutiveFailures: number;
}

export interface KafkaRelay {
  /** Creates the checkpoint table, loads the checkpoint and starts relaying; does not wait for Kafka. */
  start(): Promise<void>;
  /** Finishes the round in progress (a send in flight is waited for) and disconnects. */
  stop(): Promise<void>;
  /** False after a failed round (store, Kafka or checkpoint) until a round succeeds again. */
  isHealthy(): boolean;
  status(): KafkaRelayStatus;
}

/**
 * Publishes the store's global log to a Kafka topic: one message per event, keyed by stream name
 * (per-stream order), value the JSON of the RecordedEvent, headers with the event type and id.
 * - At least once: the checkpoint (`relay_checkpoints` in the store's database) advances only after
 *   the broker acknowledged every event up to it (acks from all in-sync replicas, idempotent producer).
 *   A crash between the acknowledgement and the checkpoint write publishes those events again.
 * - Kafka down: the relay keeps its place and retries with capped backoff; appends keep succeeding
 *   (the store is the source of truth) and the relay catches up when Kafka is back.
 * - Woken by appends in this process, and polls for appends by other processes.
 * - One relay per store and topic is assumed. A second one sharing the checkpoint would only publish
 *   events twice, never lose one, and would break nothing but the duplicate count.
 * - An event larger than the broker accepts stops the relay there (unhealthy, logged): skipping it
 *   would lose it.
 */
export function kafkaRelay(store: EventStore, checkpoints: SqlDatabase, options: KafkaRelayOptions): KafkaRelay {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const name = options.name ?? topic;
  const partitions = options.partitions ?? 4;
  const batchSize = options.batchSize ?? 500;
  const maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const checkpointEveryMs = options.checkpointEveryMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  const log = (options.logger ?? pino({ level: 'warn' })).child({ component: 'kafkaRelay', topic, relay: name });
  const kafkaRetry = { retries: 3, initialRetryTime: Math.min(100, maxRetryDelayMs), maxRetryTime: Math.min(1000, maxRetryDelayMs) };
  const kafka = kafkaClient(options.connection, log, kafkaRetry);

  let running = false;
  let loop: Promise<void> | undefined;
  let stopListening: (() => void) | undefined;
  let dirty = true;
  let producer: Producer | undefined;
  let topicReady = false;

  let checkpoint: LogPosition = START_OF_LOG;
  /** Where the next round reads from: the last position Kafka acknowledged (saved or not). */
  let published: LogPosition = START_OF_LOG;
  let savedAt = 0;
  let publishedEvents = 0;
  let pending: RecordedEvent[] = [];
  // Acknowledged by Kafka but not yet saved: a failed checkpoint write is retried alone, not republished.
  let unsaved: LogPosition | undefined;
  let consecutiveFailures = 0;
  let failingSince: number | undefined;

  const { sleep, wake } = wakeableSleep();

  const stored = logCheckpoints(checkpoints, 'relay_checkpoints', 'relay_name');

  async function saveCheckpoint(position: LogPosition): Promise<void> {
    await stored.save(name, position);
    checkpoint = position;
    unsaved = undefined;
    savedAt = performance.now();
  }

  async function ensureTopic(): Promise<void> {
    const admin = kafka.admin({ retry: kafkaRetry });
    await admin.connect();
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? -1 }],
      });
      if (created) log.info({ partitions }, 'created topic');
      else {
        const found = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
        // Partitions added later would send a stream's next events to another partition than its earlier ones,
        // which consumers may then take first: per-stream order is what the topic guarantees, so it is kept.
        if (found < partitions) log.warn({ partitions: found, asked: partitions }, 'the topic has fewer partitions than asked and is kept as it is; publish to a new topic for more');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async function connectedProducer(): Promise<Producer> {
    if (producer) return producer;
    if (!topicReady) {
      await ensureTopic();
      topicReady = true;
    }
    const next = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: kafkaRetry,
    });
    await next.connect();
    producer = next;
    return next;
  }

  async function dropProducer(): Promise<void> {
    // A fresh producer (new producer id) after any failure sidesteps stale connections and sequence
    // state; the topic is checked again in case it was deleted.
    const current = producer;
    producer = undefined;
    topicReady = false;
    await current?.disconnect().catch((error: unknown) => log.debug({ err: error }, 'producer disconnect failed'));
  }

  function requests(events: RecordedEvent[]): { messages: Message[]; events: RecordedEvent[] }[] {
    const out: { messages: Message[]; events: RecordedEvent[] }[] = [];
    let current: { messages: Message[]; events: RecordedEvent[] } = { messages: [], events: [] };
    let bytes = 0;
    for (const event of events) {
      const message = toKafkaMessage(event);
      const size = Buffer.byteLength(typeof message.value === 'string' ? message.value : '') + Buffer.byteLength(event.streamName) + 64;
      if (current.messages.length > 0 && bytes + size > maxRequestBytes) {
        out.push(current);
        current = { messages: [], events: [] };
        bytes = 0;
      }
      current.messages.push(message);
      current.events.push(event);
      bytes += size;
    }
    if (current.messages.length > 0) out.push(current);
    return out;
  }

  /** One round: publish what is pending (or the next batch of the log); save the position now and then, and when idle. */
  async function round(): Promise<'idle' | 'busy'> {
    const activeProducer = await connectedProducer();
    if (pending.length === 0) {
      dirty = false;
      pending = await store.readAll(published, batchSize);
    }
    const last = pending.at(-1);
    if (!last) {
      if (unsaved) await saveCheckpoint(unsaved);
      return 'idle';
    }
    for (const request of requests(pending)) {
      try {
        await activeProducer.send({ topic, acks: -1, messages: request.messages });
      } catch (error) {
        await dropProducer();
        throw error;
      }
      // After a failure only what is not yet acknowledged is sent again.
      pending = pending.slice(request.events.length);
      publishedEvents += request.events.length;
    }
    published = last.logPosition;
    unsaved = published;
    if (performance.now() - savedAt >= checkpointEveryMs) await saveCheckpoint(unsaved);
    return 'busy';
  }

  async function run(): Promise<void> {
    let quietRounds = 0;
    while (running) {
      let outcome: 'idle' | 'busy';
      try {
        outcome = await round();
      } catch (error) {
        consecutiveFailures += 1;
        failingSince ??= Date.now();
        const delayMs = backoffDelay(consecutiveFailures, retryDelayMs, maxRetryDelayMs);
        // Once per outage, then a reminder every 10 failures: an outage must not flood the log.
        if (consecutiveFailures === 1 || consecutiveFailures % 10 === 0) {
          log.warn({ err: error, failures: consecutiveFailures, pendingEvents: pending.length, retryInMs: delayMs }, 'relay round failed; retrying');
        }
        if (running) await sleep(delayMs);
        continue;
      }
      if (consecutiveFailures > 0) {
        log.info({ failures: consecutiveFailures, downForMs: Date.now() - (failingSince ?? Date.now()) }, 'relay recovered');
        consecutiveFailures = 0;
        failingSince = undefined;
      }
      quietRounds = outcome === 'idle' ? quietRounds + 1 : 0;
      if (outcome === 'idle' && running && !dirty) await sleep(Math.min(pollIntervalMs, FIRST_QUIET_POLL_MS * 2 ** (quietRounds - 1)));
    }
  }

  return {
    async start() {
      if (running) return;
      await stored.ensureSchema();
      checkpoint = await stored.load(name);
      published = checkpoint;
      pending = [];
      unsaved = undefined;
      running = true;
      dirty = true;
      stopListening = store.onAppended(() => {
        dirty = true;
        wake();
      });
      loop = run();
    },

    async stop() {
      running = false;
      stopListening?.();
      stopListening = undefined;
      wake();
      await loop;
      loop = undefined;
      // What Kafka acknowledged since the last save: saved now, or published again after the restart.
      if (unsaved) await saveCheckpoint(unsaved).catch((error: unknown) => log.warn({ err: error }, 'could not save the relay checkpoint at stop'));
      await dropProducer();
    },

    isHealthy: () => running && consecutiveFailures === 0,

    status() {
      const oldest = pending[0];
      return {
        running,
        healthy: running && consecutiveFailures === 0,
        checkpoint,
        publishedEvents,
        pendingEvents: pending.length,
        lagMs: oldest ? Math.max(0, Date.now() - oldest.recordedAt.getTime()) : 0,
        consecutiveFailures,
      };
    },
  };
}
