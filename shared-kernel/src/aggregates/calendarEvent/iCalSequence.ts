import type { EventMetadata } from '../../events/recordedEvent';
import type { CalendarEventEvent } from './events';
import { type CalendarEventState, evolve, initialState } from './state';

/**
 * Which command appended an event. One command is one atomic append of consecutive versions of one
 * stream, all carrying the request's correlation id and the command's time.
 */
export const commandKeyOf = (metadata: Pick<EventMetadata, 'correlationId' | 'occurredAt'>): string => `${metadata.correlationId}|${metadata.occurredAt}`;

/**
 * RFC 5546 §2.1.4: whether one event is a revision by the organizer, one the attendees are sent again (a
 * REQUEST or a CANCEL) and that raises SEQUENCE: new times, details, recurrence, a changed or newly
 * cancelled occurrence, the event cancelled. Answers, guest-list changes and settings are not: a guest's
 * REPLY to the request they hold stays current through them. Nothing revises an event before it exists
 * or after it was cancelled.
 */
export function revisesEvent(before: CalendarEventState, after: CalendarEventState, event: CalendarEventEvent): boolean {
  // On again after a CANCEL: the REQUEST that says so must supersede it.
  if (event.type === 'CalendarEventRestored') return before.status === 'cancelled';
  if (before.status !== 'scheduled' || after.status === 'absent') return false;
  switch (event.type) {
    case 'CalendarEventRescheduled':
      return before.startTime !== after.startTime || before.endTime !== after.endTime || before.timeZone !== after.timeZone || before.allDay !== after.allDay || before.startDate !== after.startDate || before.endDate !== after.endDate;
    case 'CalendarEventDetailsChanged':
      return before.title !== after.title || before.description !== after.description || before.location !== after.location;
    case 'RecurrenceChanged':
    case 'OccurrenceChanged':
    case 'CalendarEventCancelled':
      return true;
    case 'OccurrenceCancelled':
      return before.exceptions[event.data.originalStart]?.cancelled !== true;
    default:
      return false;
  }
}

/** What one command did, as far as SEQUENCE is concerned. */
export interface CommandRevision {
  /** Its first event created the event. */
  created: boolean;
  /** One of its events revised the event (`revisesEvent`). */
  revised: boolean;
  /** The stream position (counted from 0) of its last event. */
  lastPosition: number;
}

/**
 * RFC 5545 §3.8.7.4 SEQUENCE after a command: 0 from the command that created the event; after that, the
 * stream position of the last event of the latest command that revised it (always above any before it),
 * else unchanged. The notifier sends every revision to the guests with this number, so a REPLY (which
 * echoes the SEQUENCE of the request it answers, RFC 5546 §2.1.4) is current exactly when it carries it.
 */
export function sequenceAfterCommand(previous: number, command: CommandRevision): number {
  if (command.created) return 0;
  return command.revised ? command.lastPosition : previous;
}

/** One event of a stream as the SEQUENCE fold reads it. */
export interface SequencedEvent {
  /** The parsed event; undefined for a type this reader does not know (it changes nothing). */
  event: CalendarEventEvent | undefined;
  /** Stream position counted from 0 (version minus the store's first version). */
  position: number;
  /** The command that appended it (`commandKeyOf`). */
  command: string;
}

/**
 * The event's current SEQUENCE, folded from its whole stream command by command: the number its latest
 * REQUEST or CANCEL carried. The same rule the notifier applies one delivered event at a time.
 */
export function iCalSequenceOf(stream: readonly SequencedEvent[]): number {
  let state = initialState();
  let sequence = 0;
  let open: CommandRevision & { command: string } = { command: '', created: false, revised: false, lastPosition: 0 };
  stream.forEach((fact, index) => {
    const before = state;
    const after = fact.event ? evolve(before, fact.event) : before;
    const continuing = open.command === fact.command;
    open = {
      command: fact.command,
      created: (continuing && open.created) || (before.status === 'absent' && after.status !== 'absent'),
      revised: (continuing && open.revised) || (fact.event !== undefined && revisesEvent(before, after, fact.event)),
      lastPosition: fact.position,
    };
    state = after;
    const endsCommand = stream[index + 1]?.command !== fact.command;
    if (endsCommand && after.status !== 'absent') sequence = sequenceAfterCommand(sequence, open);
  });
  return sequence;
}
