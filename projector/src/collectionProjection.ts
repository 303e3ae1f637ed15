import { type CalendarEventState, davCollectionsOf, occurrenceSpan } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

const timestamp = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms > 0 ? 'infinity' : '-infinity');

/** The CalDAV collections a state is in (see davCollectionsOf); none for a stream not yet started. */
export function collectionsOf(state: CalendarEventState): string[] {
  return state.status === 'absent' ? [] : davCollectionsOf(state);
}

/**
 * Records, for CalDAV, that these events changed: each collection that holds or held one gets its counter
 * raised once for the batch, and each such membership row the new counter (present or gone). The counters are
 * raised in collection order inside the projector's transaction, so their row locks serialise concurrent
 * batches and a collection's seq follows commit order: a client that synced up to seq N has missed nothing
 * below N (RFC 6578 §3.2 asks no more, and no less, of a sync-token).
 */
export async function projectCollections(tx: SqlExecutor, changed: { eventID: string; state: CalendarEventState }[]): Promise<void> {
  if (changed.length === 0) return;
  const wanted: { collection_id: string; event_id: string; span_start: string; span_end: string }[] = [];
  for (const { eventID, state } of changed) {
    if (state.status === 'absent') continue;
    const span = occurrenceSpan(state);
    for (const collectionID of collectionsOf(state)) {
      wanted.push({ collection_id: collectionID, event_id: eventID, span_start: timestamp(span.start), span_end: timestamp(span.end) });
    }
  }
  const eventIDs = changed.map((c) => c.eventID);
  const { rows: held } = await tx.query<{ collection_id: string; event_id: string }>(
    'select collection_id, event_id from rm_collection_members where event_id = any($1::uuid[]) and present',
    [eventIDs],
  );
  const key = (c: string, e: string) => `${c}/${e}`;
  const kept = new Set(wanted.map((w) => key(w.collection_id, w.event_id)));
  const left = held.filter((h) => !kept.has(key(h.collection_id, h.event_id)));
  const touched = [...new Set([...wanted.map((w) => w.collection_id), ...left.map((l) => l.collection_id)])].sort();
  if (touched.length === 0) return;
  const { rows: counters } = await tx.query<{ collection_id: string; seq: string }>(
    `insert into rm_collections (collection_id, seq)
     select id, 1 from unnest($1::uuid[]) with ordinality as t(id, n) order by n
     on conflict (collection_id) do update set seq = rm_collections.seq + 1
     returning collection_id, seq::text`,
    [touched],
  );
  const seqOf = new Map(counters.map((c) => [c.collection_id, c.seq]));
  const rows = [
    ...wanted.map((w) => ({ ...w, seq: seqOf.get(w.collection_id), present: true })),
    ...left.map((l) => ({ collection_id: l.collection_id, event_id: l.event_id, seq: seqOf.get(l.collection_id), present: false, span_start: null, span_end: null })),
  ];
  await tx.query(
    `insert into rm_collection_members (collection_id, event_id, seq, present, span_start, span_end)
     select collection_id, event_id, seq, present, coalesce(span_start, '-infinity'), coalesce(span_end, '-infinity')
     from jsonb_to_recordset($1::jsonb) as r(collection_id uuid, event_id uuid, seq bigint, present boolean, span_start timestamptz, span_end timestamptz)
     on conflict (collection_id, event_id) do update set seq = excluded.seq, present = excluded.present,
       span_start = case when excluded.present then excluded.span_start else rm_collection_members.span_start end,
       span_end = case when excluded.present then excluded.span_end else rm_collection_members.span_end end`,
    [JSON.stringify(rows)],
  );
}
