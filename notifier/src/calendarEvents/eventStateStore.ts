import type { RecordedEvent } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { commandKeyOf, commandStep, type StreamFact } from './commandStep';
import { type EventState, type NotifierCalendarEvent, parseNotifierCalendarEvent } from './eventState';

export interface StoredEventState {
  version: number;
  state: EventState;
}

/** The stored states of several events, with the version each was stored at; events never stored are absent. */
export async function loadStoredStates(db: SqlExecutor, eventIDs: readonly string[]): Promise<Map<string, StoredEventState>> {
  const found = new Map<string, StoredEventState>();
  if (eventIDs.length === 0) return found;
  const { rows } = await db.query<{ event_id: string; version: string; state: EventState }>(
    'select event_id::text, version::text, state from notifier_calendar_events where event_id = any($1::uuid[])',
    [eventIDs],
  );
  for (const row of rows) found.set(row.event_id, { version: Number(row.version), state: row.state });
  return found;
}

export async function loadEventStates(db: SqlExecutor, eventIDs: string[]): Promise<Map<string, EventState>> {
  const found = new Map<string, EventState>();
  if (eventIDs.length === 0) return found;
  const { rows } = await db.query<{ event_id: string; state: EventState }>('select event_id::text, state from notifier_calendar_events where event_id = any($1::uuid[])', [eventIDs]);
  for (const row of rows) found.set(row.event_id, row.state);
  return found;
}

/** A state to store, and the version stored when it was folded from (undefined: none was). */
export interface StateSave {
  eventID: string;
  version: number;
  state: EventState;
  expected: number | undefined;
}

/**
 * Stores the states reached, each only if its row still holds the version it was folded from (or, for a
 * new event, still does not exist): the version guard that makes a redelivered event a no-op and keeps two
 * consumers from both applying one event. False when any row was not written (the caller rolls back).
 */
export async function saveEventStates(tx: SqlExecutor, saves: readonly StateSave[], now: Date): Promise<boolean> {
  // In one order (by event id) in every process, so two transactions never wait on each other's rows crosswise.
  const sorted = [...saves].sort((a, b) => (a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0));
  const known = sorted.filter((save) => save.expected !== undefined);
  const fresh = sorted.filter((save) => save.expected === undefined);
  let written = 0;
  if (known.length > 0) {
    const { rowCount } = await tx.query(
      `update notifier_calendar_events t set version = x.version, state = x.state, updated_at = $2::timestamptz
       from jsonb_to_recordset($1::jsonb) as x("eventID" uuid, version bigint, state jsonb, expected bigint)
       where t.event_id = x."eventID" and t.version = x.expected`,
      [JSON.stringify(known), now.toISOString()],
    );
    written += rowCount;
  }
  if (fresh.length > 0) {
    const { rowCount } = await tx.query(
      `insert into notifier_calendar_events (event_id, version, state, updated_at)
       select x."eventID", x.version, x.state, $2::timestamptz from jsonb_to_recordset($1::jsonb) as x("eventID" uuid, version bigint, state jsonb)
       on conflict (event_id) do nothing`,
      [JSON.stringify(fresh), now.toISOString()],
    );
    written += rowCount;
  }
  return written === saves.length;
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
