import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { EventState } from '../calendarEvents/eventState';
import { type EventView, viewFor } from './changeFeed';

/** One event of a full sync: the caller's view of it, with the stream version a later change must exceed. */
export type SnapshotItem = EventView & { version: number };

export interface SnapshotPage {
  items: SnapshotItem[];
  /** The last event id on this page: the next page starts after it. Undefined when the page is empty. */
  lastEventID: string | undefined;
  /** True when more events follow this page. */
  more: boolean;
}

/**
 * One page of the user's calendar as the notifier holds it: every event they host or are invited to
 * (whatever they answered) that is not cancelled, ordered by event id, after `afterEventID`. Ordering
 * by id keeps pages stable while events change: an event never moves to a page already read.
 */
export async function calendarSnapshotPage(db: SqlExecutor, userID: string, afterEventID: string | undefined, limit: number): Promise<SnapshotPage> {
  // `attendees ? user` is answered by the GIN index on the attendees (notifierSchema.ts).
  const { rows } = await db.query<{ event_id: string; version: string; state: EventState }>(
    `select event_id::text as event_id, version::text as version, state from notifier_calendar_events
     where (state->'attendees') ? $1 and state->>'status' = 'scheduled' and ($2::uuid is null or event_id > $2::uuid)
     order by event_id limit $3`,
    [userID, afterEventID ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const items: SnapshotItem[] = [];
  for (const row of page) {
    const view = viewFor(userID, row.state);
    if (view) items.push({ ...view, version: Number(row.version) });
  }
  return { items, lastEventID: page.at(-1)?.event_id, more: rows.length > limit };
}
