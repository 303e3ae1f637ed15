import { type RecordedEvent, calendarEventStreamName } from '@datebook/shared-kernel';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import { commandKeyOf, commandStep, type StreamFact } from './commandStep';
import { type EventState, type NotifierCalendarEvent, parseNotifierCalendarEvent } from './eventState';

export interface StoredEventState {
  version: number;
  state: EventState;
}

export async function loadEventState(db: SqlExecutor, eventID: string): Promise<StoredEventState | undefined> {
  const { rows } = await db.query<{ version: string; state: EventState }>('select version::text, state from notifier_calendar_events where event_id = $1', [eventID]);
  const row = rows[0];
  return row ? { version: Number(row.version), state: row.state } : undefined;
}

export async function loadEventStates(db: SqlExecutor, eventIDs: string[]): Promise<Map<string, EventState>> {
  const found = new Map<string, EventState>();
  if (eventIDs.length === 0) return found;
  const { rows } = await db.query<{ event_id: string; state: EventState }>('select event_id::text, state from notifier_calendar_events where event_id = any($1::uuid[])', [eventIDs]);
  for (const row of rows) found.set(row.event_id, row.state);
  return found;
}

/**
 * Stores the state reached at `version` unless the same or a newer version is there already: the
 * version guard that makes a redelivered event a no-op. False when nothing was written.
 */
export async function saveEventState(tx: SqlExecutor, eventID: string, version: number, state: EventState, now: Date): Promise<boolean> {
  const { rows } = await tx.query(
    `insert into notifier_calendar_events (event_id, version, state, updated_at) values ($1, $2, $3::jsonb, $4::timestamptz)
     on conflict (event_id) do update set version = excluded.version, state = excluded.state, updated_at = excluded.updated_at
     where notifier_calendar_events.version < excluded.version
     returning event_id`,
    [eventID, version, JSON.stringify(state), now.toISOString()],
  );
  return rows.length > 0;
}

/** The facts of a stream as the reactor sees them: each with its command, and whether it ends that command. */
export function streamFacts(events: readonly RecordedEvent[], firstVersion: number, onUnreadable: (event: RecordedEvent, error: unknown) => void): StreamFact[] {
  return events.map((recorded, index) => {
    let event: NotifierCalendarEvent | undefined;
    try {
      event = parseNotifierCalendarEvent(recorded);
    } catch (error) {
      onUnreadable(recorded, error);
    }
    const command = commandKeyOf(recorded.metadata);
    const next = events[index + 1];
    return { event, position: recorded.streamVersion - firstVersion, command, actorID: recorded.metadata.actorID, endsCommand: next === undefined || commandKeyOf(next.metadata) !== command };
  });
}

/**
 * The state after `upTo` (inclusive), folded from the stream's events as the reactor folds them one by
 * one (commands, SEQUENCE, the messages of a command not yet ended); an event that no longer parses is
 * passed over.
 */
export function foldEvents(events: readonly RecordedEvent[], firstVersion: number, upTo: number, onUnreadable: (event: RecordedEvent, error: unknown) => void): EventState | undefined {
  let state: EventState | undefined;
  for (const fact of streamFacts(events, firstVersion, onUnreadable)) {
    if (fact.position + firstVersion > upTo) break;
    state = commandStep(state, fact).after;
  }
  return state;
}

/** Folds a stream from the store up to `upTo` (inclusive); see foldEvents. */
export async function foldEventStream(store: EventStore, eventID: string, upTo: number, onUnreadable: (event: RecordedEvent, error: unknown) => void): Promise<EventState | undefined> {
  const { events } = await store.readStream(calendarEventStreamName(eventID));
  return foldEvents(events, store.firstVersion, upTo, onUnreadable);
}
