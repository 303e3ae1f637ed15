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

export const START_OF_LOG: LogPosition = { transactionId: 0n, position: 0n };

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}

/** Consistency tokens are opaque to clients: `<transactionId>.<position>`. */
export function encodeConsistencyToken(p: LogPosition): string {
  return `${p.transactionId}.${p.position}`;
}

export function decodeConsistencyToken(token: string): LogPosition | undefined {
  const match = /^(\d{1,20})\.(\d{1,20})$/.exec(token);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return { transactionId: BigInt(match[1]), position: BigInt(match[2]) };
}
