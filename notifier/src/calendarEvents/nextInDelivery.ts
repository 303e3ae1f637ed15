import type { RecordedEvent } from '@datebook/shared-kernel';

const indexes = new WeakMap<readonly RecordedEvent[], Map<string, RecordedEvent>>();
const keyOf = (stream: string, version: number) => `${stream}@${version}`;

/** The next event of the same stream, when the delivery (the batch) that brought this one holds it; indexed once per delivery. */
export function nextInDelivery(delivery: readonly RecordedEvent[], recorded: RecordedEvent): RecordedEvent | undefined {
  let index = indexes.get(delivery);
  if (!index) {
    index = new Map(delivery.map((e) => [keyOf(e.streamName, e.streamVersion), e]));
    indexes.set(delivery, index);
  }
  return index.get(keyOf(recorded.streamName, recorded.streamVersion + 1));
}
