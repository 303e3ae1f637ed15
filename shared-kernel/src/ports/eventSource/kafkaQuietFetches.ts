/**
 * A consumer that gathers (a fetch waits up to `maxWaitTimeInMs` for `minBytes`, so a steady trickle
 * arrives in batches: see eventSourceFor.ts) asks the broker again every `maxWaitTimeInMs` while the topic
 * is quiet: 50 empty fetches a second at 20 ms, about 5% of a core in each consuming process and more in
 * the broker, for nothing. Kafka's fetch cannot say "return at the first byte, then gather": its wait
 * counts from the request. So after a fetch that found nothing, the next one is a long poll (any byte
 * answers it at once, else it waits QUIET_WAIT_MS), and after one that found something the consumer
 * gathers again. A quiet topic costs a few fetches a second, and the first event after a pause is handled
 * without the gathering wait.
 *
 * kafkajs (2.2.4, unmaintained) reads its wait and minimum from fields of its ConsumerGroup at each fetch
 * and offers no way to change them on a running consumer, so this wraps that class's `fetch`. Consumers
 * that do not gather (`minBytes` 1, kafkajs' default) are left as they are.
 */
interface ConsumerGroupInternals {
  maxWaitTime: number;
  minBytes: number;
  fetch(nodeId: number): Promise<{ isEmpty(): boolean }[]>;
}

/** The longest a quiet consumer's fetch waits: also the most a stop waits for the fetch in flight. */
export const QUIET_WAIT_MS = 250;

const gathering = Symbol('datebook.gathering');
type Gathering = { waitMs: number; minBytes: number; quiet: boolean };

/** Wraps `prototype.fetch` with the rule above (exported for its unit test; `quietKafkaFetches` applies it to kafkajs). */
export function withQuietFetches(prototype: ConsumerGroupInternals): void {
  const fetch = prototype.fetch;
  prototype.fetch = async function quietAwareFetch(this: ConsumerGroupInternals & { [gathering]?: Gathering }, nodeId) {
    const state = (this[gathering] ??= { waitMs: this.maxWaitTime, minBytes: this.minBytes, quiet: false });
    if (state.minBytes <= 1) return fetch.call(this, nodeId);
    // One mode per consumer group, not per broker (kafkajs reads these fields after awaits, and every profile
    // here has one broker): with several, one broker's quiet can make another's fetch long-poll (it answers at its
    // first byte) or gather; neither loses nor holds back a message, only batching is less even.
    this.maxWaitTime = state.quiet ? Math.max(QUIET_WAIT_MS, state.waitMs) : state.waitMs;
    this.minBytes = state.quiet ? 1 : state.minBytes;
    const batches = await fetch.call(this, nodeId);
    state.quiet = !batches.some((batch) => !batch.isEmpty());
    return batches;
  };
}

/** kafkajs' consumer group class (internal: kafkajs exports no such API). */
export function kafkajsConsumerGroupClass(): { prototype: ConsumerGroupInternals } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/consumer/consumerGroup') as { prototype: ConsumerGroupInternals };
}

let applied = false;

/** Applies `withQuietFetches` to kafkajs once; call before any consumer runs. */
export function quietKafkaFetches(): void {
  if (applied) return;
  applied = true;
  withQuietFetches(kafkajsConsumerGroupClass().prototype);
}
