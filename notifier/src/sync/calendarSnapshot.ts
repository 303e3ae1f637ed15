import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { EventState } from '../calendarEvents/eventState';
import { holdersOf } from './changeFeed';

/** An event as the notifier holds it now, with its stream version. */
export interface HeldEvent {
  eventID: string;
  version: number;
  state: EventState;
}

export interface HeldPage {
  events: HeldEvent[];
  /** The last event id read: the next page starts after it. Undefined when nothing was read. */
  lastEventID: string | undefined;
  /** True when more events follow this page. */
  more: boolean;
}

/**
 * One page of what a principal holds now (not cancelled), ordered by event id, after `afterEventID`: a
 * user's own calendar (events on it, and those they are invited to, whatever they answered) or a
 * calendar's events. Ordering by id keeps pages stable while events change: an event never moves to a
 * page already read. A page may hold fewer than `limit` (the host of an event on another calendar is
 * read by the index and left out here).
 */
export async function heldEventsPage(db: SqlExecutor, principalID: string, afterEventID: string | undefined, limit: number): Promise<HeldPage> {
  // `attendees ? user` is answered by the GIN index on the attendees, the calendar by its own index (syncSchema.ts).
  const { rows } = await db.query<{ event_id: string; version: string; state: EventState }>(
    `select event_id::text as event_id, version::text as version, state from notifier_calendar_events
     where ((state->'attendees') ? $1 or state->>'calendarID' = $1) and state->>'status' = 'scheduled' and ($2::uuid is null or event_id > $2::uuid)
     order by event_id limit $3`,
    [principalID, afterEventID ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    events: page.filter((row) => holdersOf(row.state)[principalID] !== undefined).map((row) => ({ eventID: row.event_id, version: Number(row.version), state: row.state })),
    lastEventID: page.at(-1)?.event_id,
    more: rows.length > limit,
  };
}

/**
 * One page of the events a device may hold through a principal it stops following, ordered by event id:
 * what the principal holds now, and whatever had a change in its feed after `since` (an event that left
 * it after the device's position is still on the device). Each with its state now, cancelled or not.
 */
export async function heldSincePage(db: SqlExecutor, principalID: string, since: bigint, afterEventID: string | undefined, limit: number): Promise<HeldPage> {
  const { rows } = await db.query<{ event_id: string; version: string; state: EventState; touched: boolean }>(
    `select e.event_id::text as event_id, e.version::text as version, e.state,
       e.event_id in (select event_id from notifier_changes where user_id = $1::uuid and seq > $2::bigint) as touched
     from notifier_calendar_events e
     where e.event_id in (
       select event_id from notifier_calendar_events
       where ((state->'attendees') ? $1::text or state->>'calendarID' = $1::text) and state->>'status' = 'scheduled' and ($3::uuid is null or event_id > $3::uuid)
       union
       select event_id from notifier_changes where user_id = $1::uuid and seq > $2::bigint and ($3::uuid is null or event_id > $3::uuid)
     )
     order by e.event_id limit $4`,
    [principalID, since.toString(), afterEventID ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    // The index finds the host of an event on another calendar too, who does not hold it.
    events: page.filter((row) => row.touched || holdersOf(row.state)[principalID] !== undefined).map((row) => ({ eventID: row.event_id, version: Number(row.version), state: row.state })),
    lastEventID: page.at(-1)?.event_id,
    more: rows.length > limit,
  };
}
