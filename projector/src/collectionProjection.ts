import { type CalendarEventState, davCollectionsOf } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/** The CalDAV collections a state is in (see davCollectionsOf); none for a stream not yet started. */
export function collectionsOf(state: CalendarEventState): string[] {
  return state.status === 'absent' ? [] : davCollectionsOf(state);
}

/** An event the batch changed: the state the read model held before it, the state now, and its span as stored. */
export interface ChangedEvent {
  eventID: string;
  before: CalendarEventState;
  state: CalendarEventState;
  span: { start: string; end: string };
}

/**
 * Records, for CalDAV, that these events changed: each collection that holds or held one gets its counter
 * raised once for the batch, and each such membership row the new counter (present or gone). The counters are
 * raised in collection order inside the projector's transaction, so their row locks serialise concurrent
 * batches and a collection's seq follows commit order: a client that synced up to seq N has missed nothing
 * below N (RFC 6578 §3.2 asks no more, and no less, of a sync-token).
 *
 * One statement, sent without waiting for its answer: the transaction's commit follows it at once and fails
 * if it fails (SqlDatabase.transaction). An event's present rows are those of the state the read model held
 * (this transaction writes both), so the collections it may have left are those of `before` it is no longer
 * in: each is looked up by its key and marked gone if present.
 */
export function projectCollections(tx: SqlExecutor, changed: readonly ChangedEvent[]): void {
  if (changed.length === 0) return;
  const wanted: { collection_id: string; event_id: string; span_start: string; span_end: string }[] = [];
  const mayHaveLeft = { collections: [] as string[], events: [] as string[] };
  for (const { eventID, before, state, span } of changed) {
    const now = collectionsOf(state);
    for (const collectionID of now) wanted.push({ collection_id: collectionID, event_id: eventID, span_start: span.start, span_end: span.end });
    for (const collectionID of collectionsOf(before)) {
      if (now.includes(collectionID)) continue;
      mayHaveLeft.collections.push(collectionID);
      mayHaveLeft.events.push(eventID);
    }
  }
  if (wanted.length === 0 && mayHaveLeft.events.length === 0) return;
  void tx.query(
    `with wanted as materialized (
       select * from jsonb_to_recordset($1::jsonb) as w(collection_id uuid, event_id uuid, span_start timestamptz, span_end timestamptz)
     ),
     -- Arrays rather than JSON for the few that may have left: the planner then knows how few, and looks each up by its key.
     gone as materialized (
       select m.collection_id, m.event_id
       from unnest($2::uuid[], $3::uuid[]) as l(collection_id, event_id)
       join rm_collection_members m on m.collection_id = l.collection_id and m.event_id = l.event_id and m.present
     ),
     counters as (
       insert into rm_collections (collection_id, seq)
       select collection_id, 1 from (select collection_id from wanted union select collection_id from gone) touched order by collection_id
       on conflict (collection_id) do update set seq = rm_collections.seq + 1
       returning collection_id, seq
     )
     insert into rm_collection_members (collection_id, event_id, seq, present, span_start, span_end)
     select w.collection_id, w.event_id, c.seq, true, w.span_start, w.span_end from wanted w join counters c on c.collection_id = w.collection_id
     union all
     select g.collection_id, g.event_id, c.seq, false, '-infinity', '-infinity' from gone g join counters c on c.collection_id = g.collection_id
     on conflict (collection_id, event_id) do update set seq = excluded.seq, present = excluded.present,
       span_start = case when excluded.present then excluded.span_start else rm_collection_members.span_start end,
       span_end = case when excluded.present then excluded.span_end else rm_collection_members.span_end end`,
    [JSON.stringify(wanted), mayHaveLeft.collections, mayHaveLeft.events],
  );
}
