import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../events/recordedEvent';
import { newEvent } from '../eventStore/eventStore.contract';
import type { EventStore } from '../eventStore/eventStore';
import type { EventSource, EventSubscription } from './eventSource';
import { pollUntil } from '../../testing/pollUntil';

export interface EventSourceContractOptions {
  /** A source fed by `store` (for a broker: with its relay running). */
  create(): Promise<{ source: EventSource; store: EventStore }>;
  dispose(): Promise<void>;
  /** How long delivery may take on this backend. */
  deliveryTimeoutMs?: number;
}

/** The one contract every EventSource adapter must meet. */
export function eventSourceContract(name: string, options: EventSourceContractOptions): void {
  describe(`EventSource contract: ${name}`, () => {
    const timeout = options.deliveryTimeoutMs ?? 5000;
    let source: EventSource;
    let store: EventStore;
    const subscriptions: EventSubscription[] = [];

    beforeAll(async () => {
      ({ source, store } = await options.create());
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });
    afterAll(async () => {
      await options.dispose();
    });

    const collect = async (group: string, received: RecordedEvent[], fail?: () => boolean) => {
      const subscription = await source.subscribe(group, async (batch) => {
        if (fail?.()) throw new Error('handler failed on purpose');
        received.push(...batch);
      });
      subscriptions.push(subscription);
      return subscription;
    };
    const appendInterleaved = async (streams: string[], perStream: number, tag: string) => {
      for (let i = 0; i < perStream; i++) {
        for (const s of streams) await store.appendToStream(s, [newEvent('Tagged', { tag, i })], 'any');
      }
    };
    const ofTag = (events: RecordedEvent[], tag: string) => events.filter((e) => (e.data as { tag?: string }).tag === tag);

    it('delivers every event, each stream in order', async () => {
      const tag = randomUUID();
      const streams = [`Src-${randomUUID()}`, `Src-${randomUUID()}`, `Src-${randomUUID()}`];
      const received: RecordedEvent[] = [];
      await collect(`group-${tag}`, received);
      await appendInterleaved(streams, 5, tag);
      await pollUntil(() => new Set(ofTag(received, tag).map((e) => e.eventID)).size === 15, { timeoutMs: timeout, pollMs: 20, what: '15 events arriving' });
      for (const s of streams) {
        const versions = ofTag(received, tag).filter((e) => e.streamName === s).map((e) => e.streamVersion);
        const firstSeen = versions.filter((v, i) => versions.indexOf(v) === i);
        expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
        expect(new Set(versions).size).toBe(5);
      }
    });

    it('resumes a consumer group after a restart without losing events', async () => {
      const tag = randomUUID();
      const group = `group-${tag}`;
      const s = `Src-${randomUUID()}`;
      const first: RecordedEvent[] = [];
      const subscription = await collect(group, first);
      await appendInterleaved([s], 3, tag);
      await pollUntil(() => ofTag(first, tag).length >= 3, { timeoutMs: timeout, pollMs: 20, what: 'the first 3 events arriving' });
      await subscription.stop();
      await appendInterleaved([s], 3, `${tag}-later`);
      const second: RecordedEvent[] = [];
      await collect(group, second);
      await pollUntil(() => ofTag(second, `${tag}-later`).length >= 3, { timeoutMs: timeout, pollMs: 20, what: 'the 3 later events arriving' });
      // At least once, but not everything again: what the first run completed is not the whole log again.
      expect(ofTag(second, tag).length).toBeLessThanOrEqual(3);
    });

    it('delivers a batch again when its handler fails', async () => {
      const tag = randomUUID();
      let failures = 2;
      const received: RecordedEvent[] = [];
      await collect(`group-${tag}`, received, () => failures-- > 0);
      await appendInterleaved([`Src-${randomUUID()}`], 2, tag);
      await pollUntil(() => ofTag(received, tag).length >= 2, { timeoutMs: timeout + 3000, pollMs: 20, what: 'the redelivery' });
      expect(failures).toBeLessThan(0);
    });

    it('lets consumer groups progress independently', async () => {
      const tag = randomUUID();
      const a: RecordedEvent[] = [];
      const b: RecordedEvent[] = [];
      await collect(`group-a-${tag}`, a);
      await collect(`group-b-${tag}`, b);
      await appendInterleaved([`Src-${randomUUID()}`, `Src-${randomUUID()}`], 2, tag);
      await pollUntil(() => ofTag(a, tag).length >= 4 && ofTag(b, tag).length >= 4, { timeoutMs: timeout, pollMs: 20, what: 'both groups receiving 4 events' });
    });
  });
}
