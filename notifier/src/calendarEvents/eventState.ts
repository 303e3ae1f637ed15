import { type CalendarEventDetails, type CalendarEventEvent, evolve, initialState, parseCalendarEventEvent } from '@datebook/shared-kernel';
import type { MessageIntent } from './whoGetsWhat';

export type { RsvpStatus } from '@datebook/shared-kernel';

/**
 * A command whose events have not all been seen yet (one append = one command, see commandStep.ts):
 * the messages its events decided so far, sent together once its last event is seen.
 */
export interface OpenCommand {
  /** The command's key (correlation id and time). */
  key: string;
  messages: MessageIntent[];
  /** One of its events revised the event (time, recurrence, details, an occurrence, the status). */
  revised: boolean;
  /** Its first event created the event. */
  created: boolean;
}

/** The shared fold of a calendar event, plus the iCalendar SEQUENCE the notifier publishes. */
export type EventState = CalendarEventDetails & {
  status: 'scheduled' | 'cancelled';
  /**
   * RFC 5545 §3.8.7.4 SEQUENCE: 0 from the command that created the event; after that, the stream
   * position (counted from 0) of the last event of the latest command that revised the event. Every
   * revision is announced to the guests by one REQUEST or CANCEL carrying this number, sent when that
   * last event is seen, so every SEQUENCE a guest sees was sent to them and a REPLY (which carries the
   * SEQUENCE of the request it answers, RFC 5546 §2.1.4) echoes one they received.
   */
  sequence: number;
  /** Present while the stored state is in the middle of a command. */
  openCommand?: OpenCommand;
};

export type NotifierCalendarEvent = CalendarEventEvent;

export const parseNotifierCalendarEvent = parseCalendarEventEvent;

/** Applies one fact; SEQUENCE is left as it was (commandStep sets it when the command ends). Never throws. */
export function evolveEvent(state: EventState | undefined, event: NotifierCalendarEvent): EventState | undefined {
  const next = evolve(state ?? initialState(), event);
  if (next.status === 'absent') return undefined;
  return { ...next, sequence: state?.sequence ?? 0, ...(state?.openCommand ? { openCommand: state.openCommand } : {}) };
}

/**
 * Google Calendar's guestsCanSeeOtherGuests: whether a guest may see who else is invited. States
 * stored before the field existed lack it: guests saw each other then.
 */
export const guestsSeeEachOther = (state: EventState): boolean => (state as { guestsCanSeeOtherGuests?: boolean }).guestsCanSeeOtherGuests !== false;
