import type { Message } from 'kafkajs';
import { z } from 'zod';
import type { RecordedEvent } from '../../events/recordedEvent';

/** The topic the relay publishes the global log to. */
export const DEFAULT_EVENTS_TOPIC = 'datebook.events';

export const EVENT_TYPE_HEADER = 'event-type';
export const EVENT_ID_HEADER = 'event-id';

const digits = z.string().regex(/^\d+$/);

// The wire shape of a RecordedEvent: JSON has no bigint or Date, so positions travel as decimal strings
// and recordedAt as an ISO instant.
const WireEvent = z.object({
  eventID: z.string(),
  streamName: z.string().min(1),
  streamVersion: z.number().int(),
  logPosition: z.object({ transactionId: digits, position: digits }),
  type: z.string().min(1),
  data: z.unknown(),
  metadata: z.looseObject({
    actorID: z.string(),
    occurredAt: z.string(),
    correlationId: z.string(),
    schemaVersion: z.number(),
  }),
  recordedAt: z.iso.datetime({ offset: true }),
});
type WireEvent = z.infer<typeof WireEvent>;

/** One Kafka message per event, keyed by stream name so each stream stays in one partition, in order. */
export function toKafkaMessage(event: RecordedEvent): Message {
  const wire = {
    eventID: event.eventID,
    streamName: event.streamName,
    streamVersion: event.streamVersion,
    logPosition: { transactionId: event.logPosition.transactionId.toString(), position: event.logPosition.position.toString() },
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  } satisfies Omit<WireEvent, 'metadata'> & Pick<RecordedEvent, 'metadata'>;
  return {
    key: event.streamName,
    // No message timestamp from recordedAt: time-based retention would delete a replay of old events at once.
    value: JSON.stringify(wire),
    headers: { [EVENT_TYPE_HEADER]: event.type, [EVENT_ID_HEADER]: event.eventID, 'content-type': 'application/json' },
  };
}

/** Parses a message value back into a RecordedEvent; throws when it is not one. */
export function fromKafkaValue(value: Buffer | null): RecordedEvent {
  if (value === null) throw new Error('message has no value');
  const wire = WireEvent.parse(JSON.parse(value.toString('utf8')));
  return {
    eventID: wire.eventID,
    streamName: wire.streamName,
    streamVersion: wire.streamVersion,
    logPosition: { transactionId: BigInt(wire.logPosition.transactionId), position: BigInt(wire.logPosition.position) },
    type: wire.type,
    data: wire.data,
    metadata: wire.metadata,
    recordedAt: new Date(wire.recordedAt),
  };
}
