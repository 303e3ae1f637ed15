import type { RecordedEvent } from '../../events/recordedEvent';
import { EVENT_TYPE_HEADER, fromKafkaValue, toKafkaMessage } from './kafkaEventCodec';

const event: RecordedEvent = {
  eventID: '0b6f3f7e-6a37-4a53-9a8e-3c0f6a1f3b11',
  streamName: 'CalendarEvent-6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
  streamVersion: 3,
  // Beyond Number.MAX_SAFE_INTEGER: must survive as a bigint, not a rounded number.
  logPosition: { transactionId: 9_007_199_254_740_993n, position: 42n },
  type: 'CalendarEventScheduled',
  data: { title: 'Weekly sync', attendees: ['u1', 'u2'] },
  metadata: { actorID: 'u1', occurredAt: '2026-03-29T07:00:00.000Z', correlationId: 'c1', schemaVersion: 1 },
  recordedAt: new Date('2026-03-29T07:00:00.123Z'),
};

describe('kafkaEventCodec', () => {
  it('round-trips a recorded event, bigints and instant included', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe(event.streamName);
    expect(message.headers?.[EVENT_TYPE_HEADER]).toBe('CalendarEventScheduled');
    expect(fromKafkaValue(Buffer.from(String(message.value)))).toEqual(event);
  });

  it('rejects what is not a recorded event', () => {
    expect(() => fromKafkaValue(null)).toThrow();
    expect(() => fromKafkaValue(Buffer.from('not json'))).toThrow();
    expect(() => fromKafkaValue(Buffer.from(JSON.stringify({ ...event, logPosition: { transactionId: 1.5, position: '1' } })))).toThrow();
  });
});
