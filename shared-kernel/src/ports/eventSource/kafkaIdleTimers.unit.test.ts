import { pollUntil } from '../../testing/pollUntil';
import { kafkajsRequestQueueClass, stopIdleKafkaTimers } from './kafkaIdleTimers';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** kafkajs' own request queue, as a broker connection makes it. */
function requestQueue() {
  const RequestQueue = kafkajsRequestQueueClass() as unknown as new (options: object) => {
    throttleCheckTimeoutId: unknown;
    throttledUntil: number;
    pending: unknown[];
    checkPendingRequests(): void;
    push(request: object): void;
    destroy(): void;
  };
  return new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'localhost:9092', logger: quiet });
}

describe('kafkajs request queues without idle timers', () => {
  beforeAll(() => stopIdleKafkaTimers());

  it('sets no timer while nothing waits (kafkajs re-armed a 1 ms timer forever)', () => {
    const queue = requestQueue();
    try {
      queue.checkPendingRequests();
      expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      queue.destroy();
    }
  });

  it('still sends a request held back by a throttle once the throttle ends', async () => {
    const queue = requestQueue();
    try {
      let sent = 0;
      queue.throttledUntil = Date.now() + 30;
      queue.push({ entry: { apiKey: 1, apiName: 'Fetch', apiVersion: 11, correlationId: 1 }, expectResponse: true, sendRequest: () => sent++ });
      expect(queue.pending).toHaveLength(1);
      expect(queue.throttleCheckTimeoutId).not.toBeNull();
      await pollUntil(() => sent === 1, { timeoutMs: 5_000, what: 'the throttled request being sent' });
      expect(queue.pending).toHaveLength(0);
      expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      queue.destroy();
    }
  });
});
