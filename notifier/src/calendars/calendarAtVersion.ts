import { calendarStreamName, parseCalendarStreamEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';

/** What a calendar was called from a version on; a primary calendar nothing was written to has none. */
interface NameHistory {
  foldedUpTo: number | null;
  names: { from: number; summary: string }[];
}

const historiesByStore = new WeakMap<EventStore, Map<string, NameHistory>>();
const MAX_CALENDARS = 20_000;

/**
 * The calendar's name right after `upTo` (inclusive): a message about a grant names the calendar as it
 * was when access was given, whatever was renamed since and however late the message is recorded.
 * Undefined when nothing named it yet (a primary calendar never written: the caller names it after its
 * owner). The names are kept per calendar and the stream read only past what was read before, so the
 * grants of a calendar shared with 10,000 people read its stream once, not 10,000 times. An event that
 * no longer parses is passed over (and reported), as every fold of the notifier does.
 */
export async function calendarNameAt(store: EventStore, calendarID: string, upTo: number, onUnreadable: (event: RecordedEvent, error: unknown) => void): Promise<string | undefined> {
  let histories = historiesByStore.get(store);
  if (!histories) historiesByStore.set(store, (histories = new Map()));
  let history = histories.get(calendarID);
  if (!history || history.foldedUpTo === null || history.foldedUpTo < upTo) {
    const known: NameHistory = history ?? { foldedUpTo: null, names: [] };
    const read = await store.readStream(calendarStreamName(calendarID), known.foldedUpTo ?? undefined);
    const names = [...known.names];
    for (const recorded of read.events) {
      try {
        const event = parseCalendarStreamEvent(recorded);
        if (event?.type === 'CalendarCreated' || event?.type === 'CalendarDetailsChanged') names.push({ from: recorded.streamVersion, summary: event.data.summary });
      } catch (error) {
        onUnreadable(recorded, error);
      }
    }
    history = { foldedUpTo: read.currentVersion, names };
    if (histories.size >= MAX_CALENDARS && !histories.has(calendarID)) histories.clear();
    histories.set(calendarID, history);
  }
  return history.names.filter((n) => n.from <= upTo).at(-1)?.summary;
}
