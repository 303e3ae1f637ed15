import { type CalendarEventEvent, type CalendarEventState, commandKeyOf, type EventMetadata, revisesEvent, sequenceAfterCommand } from '@datebook/shared-kernel';

/**
 * SEQUENCE (RFC 5545 §3.8.7.4) folded one delivered event at a time, by the rule the notifier's REQUESTs and
 * CANCELs follow (`sequenceAfterCommand`), so the calendar data CalDAV serves carries the number the mails
 * did. A command's events may arrive in two batches: what the command did so far is kept with the number.
 */
export interface ICalSequenceFold {
  /** The stream's first version (1 on PostgreSQL, 0 on KurrentDB): positions count from it. */
  first: number;
  sequence: number;
  /** The command the last event belonged to (`commandKeyOf`), and what it did so far. */
  command: string;
  created: boolean;
  revised: boolean;
  /** SEQUENCE before that command. */
  base: number;
}

export function foldICalSequence(
  fold: ICalSequenceFold | undefined,
  before: CalendarEventState,
  after: CalendarEventState,
  event: CalendarEventEvent,
  recorded: { streamVersion: number; metadata: Pick<EventMetadata, 'correlationId' | 'occurredAt'> },
): ICalSequenceFold {
  const first = before.status === 'absent' ? recorded.streamVersion : (fold?.first ?? recorded.streamVersion);
  const command = commandKeyOf(recorded.metadata);
  const continuing = fold !== undefined && fold.command === command;
  const base = continuing ? fold.base : (fold?.sequence ?? 0);
  const created = (continuing && fold.created) || (before.status === 'absent' && after.status !== 'absent');
  const revised = (continuing && fold.revised) || revisesEvent(before, after, event);
  const sequence = after.status === 'absent' ? base : sequenceAfterCommand(base, { created, revised, lastPosition: recorded.streamVersion - first });
  return { first, sequence, command, created, revised, base };
}
