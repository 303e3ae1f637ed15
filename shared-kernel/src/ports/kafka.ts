// Kafka (kafkajs): the production fan-out, its relay and its consumers.
export * from './eventSource/kafkaConnection';
export * from './eventSource/kafkaEventCodec';
export * from './eventSource/kafkaEventSource';
export * from './relay/kafkaRelay';
