import { kafkajsConsumerGroupClass, QUIET_WAIT_MS, withQuietFetches } from './kafkaQuietFetches';

const batch = (messages: number) => ({ isEmpty: () => messages === 0 });

/** A stand-in for kafkajs' ConsumerGroup: records the wait and minimum each fetch was made with. */
function consumerGroup(options: { maxWaitTime: number; minBytes: number }, answers: number[][]) {
  const asked: { maxWaitTime: number; minBytes: number }[] = [];
  class Group {
    maxWaitTime = options.maxWaitTime;
    minBytes = options.minBytes;
    async fetch(_nodeId: number) {
      asked.push({ maxWaitTime: this.maxWaitTime, minBytes: this.minBytes });
      return (answers.shift() ?? []).map(batch);
    }
  }
  withQuietFetches(Group.prototype);
  return { group: new Group(), asked };
}

describe('quiet Kafka fetches', () => {
  it('gathers while events come, long-polls from the first empty fetch, and gathers again after one that found some', async () => {
    const { group, asked } = consumerGroup({ maxWaitTime: 20, minBytes: 65_536 }, [[3, 0], [1], [0, 0], [], [0], [2], [0]]);
    for (let i = 0; i < 7; i++) await group.fetch(0);
    const gather = { maxWaitTime: 20, minBytes: 65_536 };
    const quiet = { maxWaitTime: QUIET_WAIT_MS, minBytes: 1 };
    expect(asked).toEqual([gather, gather, gather, quiet, quiet, quiet, gather]);
  });

  it('leaves a consumer that does not gather as kafkajs runs it', async () => {
    const { group, asked } = consumerGroup({ maxWaitTime: 5000, minBytes: 1 }, [[0], [0]]);
    await group.fetch(0);
    await group.fetch(0);
    expect(asked).toEqual([{ maxWaitTime: 5000, minBytes: 1 }, { maxWaitTime: 5000, minBytes: 1 }]);
  });

  it("finds kafkajs' consumer group reading its wait and minimum from the fields it sets", () => {
    const source = kafkajsConsumerGroupClass().prototype.fetch.toString();
    expect(source).toContain('maxWaitTime: this.maxWaitTime');
    expect(source).toContain('minBytes: this.minBytes');
  });
});
