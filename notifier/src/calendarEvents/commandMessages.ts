import type { MessageIntent } from './whoGetsWhat';

// Of a command's messages to one person about the whole event, the one that says most wins: being
// removed (or the event cancelled) outweighs being invited, which outweighs an update.
const WEIGHT = { cancellation: 3, invitation: 2, update: 1, reply: 0 } as const;

/**
 * The messages one command sends: one per recipient, however many events it appended (a PUT that
 * moves and renames appends two; a booking appends the event and its invitations). They are rendered
 * from the state after the whole command, so the one message carries the final state and one SEQUENCE.
 *
 * - A REPLY is what an attendee sends (RFC 5546 §3.2.3): answers that come with someone else's command
 *   (the organizer's split carrying its guests' answers over to the new series) send none.
 * - A message about the whole event replaces any about single occurrences: it carries the series with
 *   every exception (EXDATE, RECURRENCE-ID overrides).
 * - Several occurrences changed by one command become one REQUEST for the whole series.
 */
export function commandMessages(intents: readonly MessageIntent[], actorID: string): MessageIntent[] {
  const byRecipient = new Map<string, MessageIntent[]>();
  const replies = new Map<string, MessageIntent>();
  for (const intent of intents) {
    if (intent.kind === 'reply') {
      if (intent.from === actorID) replies.set(`${intent.recipient}|${intent.from}|${intent.occurrence ?? ''}`, intent);
      continue;
    }
    byRecipient.set(intent.recipient, [...(byRecipient.get(intent.recipient) ?? []), intent]);
  }
  const merged: MessageIntent[] = [];
  for (const [recipient, mine] of byRecipient) {
    const whole = mine.filter((m) => m.occurrence === undefined);
    if (whole.length > 0) {
      merged.push(whole.reduce((best, m) => (WEIGHT[m.kind] > WEIGHT[best.kind] ? m : best)));
      continue;
    }
    const occurrences = new Set(mine.map((m) => m.occurrence));
    if (occurrences.size > 1) {
      merged.push({ recipient, kind: 'update', method: 'REQUEST' });
      continue;
    }
    // One occurrence: cancelled outweighs changed.
    merged.push(mine.find((m) => m.kind === 'cancellation') ?? (mine.at(-1) as MessageIntent));
  }
  return [...merged, ...replies.values()];
}
