/** Who and when of an event: set by the command handler, never by the decider. */
export interface EventMetadata {
  /** The user whose request caused the event. */
  actorID: string;
  /** The command's `now` (ISO instant): the time the decision was made. */
  occurredAt: string;
  correlationId: string;
  /** Version of the payload shape, so old shapes can be upcast when read. */
  schemaVersion: number;
}

/** A domain event before it is stored. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/**
 * A position in the store's global log. PostgreSQL stores order by (transactionId, position) because
 * a position is taken at insert, not at commit; EventStoreDB has a single commit position.
 */
export interface LogPosition {
  transactionId: bigint;
  position: bigint;
}

/** An event as read back from the store. */
export interface RecordedEvent<Data = unknown> {
  eventID: string;
  streamName: string;
  /** Position of the event in its stream (the first event has the store's first version). */
  streamVersion: number;
  logPosition: LogPosition;
  type: string;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** What reading an event needs of it: its type, its payload and the version that payload was written in. */
export type StoredEvent = Pick<RecordedEvent, 'type' | 'data'> & { metadata: Pick<EventMetadata, 'schemaVersion'> };

export const START_OF_LOG: LogPosition = { transactionId: 0n, position: 0n };

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}

/**
 * A consistency token names a write: "stream S has reached version V". It holds across processes and
 * brokers (Kafka keeps no global order, only per-stream order). Opaque to clients.
 */
export interface WrittenVersion {
  streamName: string;
  version: number;
}

export function encodeConsistencyToken(written: WrittenVersion): string {
  return Buffer.from(`${written.streamName}@${written.version}`, 'utf8').toString('base64url');
}

export function decodeConsistencyToken(token: string): WrittenVersion | undefined {
  if (token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const match = /^([A-Za-z]+-[0-9a-f-]{36})@(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return { streamName: match[1], version: Number(match[2]) };
}
