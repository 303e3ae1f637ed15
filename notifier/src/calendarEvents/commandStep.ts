import { commandKeyOf, sequenceAfterCommand } from '@datebook/shared-kernel';
import { commandMessages } from './commandMessages';
import { type EventState, evolveEvent, type NotifierCalendarEvent, type OpenCommand } from './eventState';
import { type MessageIntent, whoGetsWhat } from './whoGetsWhat';

// Which command appended an event: the aggregate's rule, which the SEQUENCE the inbound side checks REPLYs against groups by too.
export { commandKeyOf };

export interface StreamFact {
  /** The parsed event; undefined for a type this notifier does not know (or one that no longer parses, when folding). */
  event: NotifierCalendarEvent | undefined;
  /** Stream position counted from 0 (version minus the store's first version). */
  position: number;
  command: string;
  actorID: string;
  /** The stream's next event belongs to another command, or there is none. */
  endsCommand: boolean;
}

export interface StepResult {
  after: EventState | undefined;
  /** The command's messages, merged (one per recipient): only on its last event, empty before. */
  messages: MessageIntent[];
  syncAudience: string[];
}

const NO_COMMAND = (command: string): OpenCommand => ({ key: command, messages: [], revised: false, created: false });

/**
 * Applies one event of the stream. The messages its command decides are held in the state
 * (`openCommand`) until the command's last event, then merged into one per recipient and rendered from
 * the state the whole command left: so a command's messages do not depend on how its events were
 * split across deliveries. SEQUENCE is set at that point too (see EventState.sequence).
 */
export function commandStep(state: EventState | undefined, fact: StreamFact): StepResult {
  const open = state?.openCommand?.key === fact.command ? state.openCommand : NO_COMMAND(fact.command);
  const evolved = fact.event ? evolveEvent(state, fact.event) : state;
  const decision = fact.event ? whoGetsWhat(state, evolved, fact.event) : { messages: [], syncAudience: [], revises: false };
  const pending: OpenCommand = {
    key: fact.command,
    messages: [...open.messages, ...decision.messages],
    revised: open.revised || decision.revises,
    created: open.created || (state === undefined && evolved !== undefined),
  };
  if (!evolved) return { after: undefined, messages: [], syncAudience: decision.syncAudience };
  const { openCommand: _previous, ...rest } = evolved;
  if (!fact.endsCommand) return { after: { ...rest, openCommand: pending }, messages: [], syncAudience: decision.syncAudience };
  // RFC 5545 §3.8.7.4: 0 when created; a revising command's last position otherwise (always above any before it).
  const sequence = sequenceAfterCommand(rest.sequence, { created: pending.created, revised: pending.revised, lastPosition: fact.position });
  return { after: { ...rest, sequence }, messages: commandMessages(pending.messages, fact.actorID), syncAudience: decision.syncAudience };
}
