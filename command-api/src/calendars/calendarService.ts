import { type CalendarCommand, calendarStreamName } from '@datebook/shared-kernel';
import { calendarFoldFor, calendarReaderOf, type EventStore } from '@datebook/shared-kernel/ports';
import { type CommandContext, handleCommand } from '../commandHandling/handleCommand';

/** Runs Calendar commands; the actor is read with their verified address, so rules given to it apply. */
export function calendarService(store: EventStore) {
  return {
    store,
    actor: (userID: string) => calendarReaderOf(store, userID),
    async run(calendarID: string, command: CalendarCommand, context: CommandContext) {
      return handleCommand(store, calendarStreamName(calendarID), await calendarFoldFor(store, calendarID), command, context);
    },
  };
}

export type CalendarService = ReturnType<typeof calendarService>;
