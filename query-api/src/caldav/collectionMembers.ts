import type { CalendarEventDetails } from '@datebook/shared-kernel';
import type { CollectionVersion } from '@datebook/shared-kernel/dav';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/** A folded event as the read model keeps it (rm_events.state). */
export type StoredEvent = CalendarEventDetails & { status: 'scheduled' | 'cancelled' };

/** One event a collection holds or held, with what deciding its representation for the viewer needs. */
export interface Member {
  eventID: string;
  uid: string;
  /** The event stream's version: the resource's ETag is made of it. */
  version: number;
  /** The collection's change counter at the member's last change. */
  seq: number;
  present: boolean;
  /** The calendar the event is on (a member of a primary collection may be on another: an invitation). */
  calendarID: string;
  visibility: CalendarEventDetails['visibility'];
  /** Whether the viewer is on the event (host or guest): whoever is sees it, whatever their role. */
  viewerOnEvent: boolean;
  /** The folded state, read only when asked for (calendar-data, time-range filtering). */
  state?: StoredEvent;
  /** Its RFC 5545 SEQUENCE, as the invitations numbered it (read with the state; 0 for rows from before it was kept). */
  sequence?: number;
}

interface MemberRecord {
  event_id: string; ical_uid: string | null; version: string; seq: string; present: boolean;
  calendar_id: string; visibility: string | null; viewer_on_event: boolean; state?: StoredEvent; ical_sequence?: number | null;
}

// On the event as viewAudience says: the host of an event on someone else's calendar sees it by their rights there.
const columns = (withState: boolean) => `m.event_id, e.ical_uid, e.version::text as version, m.seq::text as seq, m.present,
  coalesce(e.calendar_id, e.host_id) as calendar_id, e.visibility, (jsonb_exists(e.state->'attendees', $2::text) and not (e.host_id::text = $2::text and coalesce(e.calendar_id, e.host_id)::text <> $2::text)) as viewer_on_event
  ${withState ? ", e.state, (e.ical_sequence->>'sequence')::int as ical_sequence" : ''}`;

const FROM = 'from rm_collection_members m join rm_events e on e.event_id = m.event_id';

function memberOf(r: MemberRecord): Member {
  return {
    eventID: r.event_id,
    // The projector always writes ical_uid; a row from before it is named as iCalUIDOf names it.
    uid: r.ical_uid ?? `${r.event_id}@datebook`,
    version: Number(r.version),
    seq: Number(r.seq),
    present: r.present,
    calendarID: r.calendar_id,
    visibility: (r.visibility ?? 'default') as Member['visibility'],
    viewerOnEvent: r.viewer_on_event,
    ...(r.state ? { state: r.state, sequence: r.ical_sequence ?? 0 } : {}),
  };
}

/** The reads of CalDAV collections from the read model (rm_collections, rm_collection_members, rm_events). */
export function collectionMembers(db: SqlExecutor) {
  return {
    /** Where the collection's changes stand (counter 0 and no epoch when nothing was ever counted for it). */
    async versionOf(collectionID: string): Promise<CollectionVersion> {
      const { rows } = await db.query<{ seq: string; epoch: string }>('select seq::text as seq, epoch::text as epoch from rm_collections where collection_id = $1', [collectionID]);
      const row = rows[0];
      return { collectionID, epoch: row?.epoch ?? null, seq: row ? Number(row.seq) : 0 };
    },

    /** Where each collection's changes stand (see `versionOf`), for a listing of many. */
    async versionsOf(collectionIDs: string[]): Promise<Map<string, CollectionVersion>> {
      const { rows } = await db.query<{ collection_id: string; seq: string; epoch: string }>(
        'select collection_id, seq::text as seq, epoch::text as epoch from rm_collections where collection_id = any($1::uuid[])', [collectionIDs],
      );
      const found = new Map(rows.map((r) => [r.collection_id, r]));
      return new Map(collectionIDs.map((collectionID) => {
        const row = found.get(collectionID);
        return [collectionID, { collectionID, epoch: row?.epoch ?? null, seq: row ? Number(row.seq) : 0 }];
      }));
    },

    /**
     * A page of the members present now, by event id after `after`, whose occurrences may touch the window
     * (span_start/span_end bound every occurrence; infinite for an endless series): one index range scan.
     */
    async present(collectionID: string, viewerID: string, options: { withState: boolean; limit: number; after?: string; window?: { start: Date | null; end: Date | null } }): Promise<Member[]> {
      const { rows } = await db.query<MemberRecord>(
        `select ${columns(options.withState)} ${FROM}
         where m.collection_id = $1 and m.present and ($3::uuid is null or m.event_id > $3::uuid)
           and ($4::timestamptz is null or m.span_end > $4::timestamptz) and ($5::timestamptz is null or m.span_start < $5::timestamptz)
         order by m.event_id limit $6`,
        [collectionID, viewerID, options.after ?? null, options.window?.start?.toISOString() ?? null, options.window?.end?.toISOString() ?? null, options.limit],
      );
      return rows.map(memberOf);
    },

    /** Members changed (present) or gone (not present) after counter `since`, oldest change first (RFC 6578 §3.5). */
    async changedSince(collectionID: string, viewerID: string, since: number, options: { limit: number; presentOnly: boolean }): Promise<Member[]> {
      const { rows } = await db.query<MemberRecord>(
        `select ${columns(false)} ${FROM}
         where m.collection_id = $1 and m.seq > $3 and ($4::boolean = false or m.present)
         order by m.seq, m.event_id limit $5`,
        [collectionID, viewerID, since, options.presentOnly, options.limit],
      );
      return rows.map(memberOf);
    },

    /** Members changed at exactly counter `seq` (one projector batch), present or gone. */
    async changedAt(collectionID: string, viewerID: string, seq: number, options: { presentOnly: boolean }): Promise<Member[]> {
      const { rows } = await db.query<MemberRecord>(
        `select ${columns(false)} ${FROM} where m.collection_id = $1 and m.seq = $3 and ($4::boolean = false or m.present) order by m.event_id`,
        [collectionID, viewerID, seq, options.presentOnly],
      );
      return rows.map(memberOf);
    },

    /** The present members with these UIDs (calendar-multiget, GET). */
    async byUIDs(collectionID: string, viewerID: string, uids: string[], withState: boolean): Promise<Member[]> {
      if (uids.length === 0) return [];
      const { rows } = await db.query<MemberRecord>(
        `select ${columns(withState)} ${FROM} where m.collection_id = $1 and m.present and e.ical_uid = any($3::text[])`,
        [collectionID, viewerID, uids],
      );
      return rows.map(memberOf);
    },

    /** The folded states of these events (calendar-data for members read without them). */
    async statesOf(eventIDs: string[]): Promise<Map<string, { state: StoredEvent; sequence: number }>> {
      if (eventIDs.length === 0) return new Map();
      const { rows } = await db.query<{ event_id: string; state: StoredEvent; ical_sequence: number | null }>(
        "select event_id, state, (ical_sequence->>'sequence')::int as ical_sequence from rm_events where event_id = any($1::uuid[])", [eventIDs],
      );
      return new Map(rows.map((r) => [r.event_id, { state: r.state, sequence: r.ical_sequence ?? 0 }]));
    },

    /** Account holders' addresses (ATTENDEE/ORGANIZER mailto:), from rm_users. */
    async emailsOf(userIDs: string[]): Promise<Map<string, string>> {
      if (userIDs.length === 0) return new Map();
      const { rows } = await db.query<{ user_id: string; email: string }>('select user_id, email from rm_users where user_id = any($1::uuid[])', [userIDs]);
      return new Map(rows.map((r) => [r.user_id, r.email]));
    },
  };
}

export type CollectionMembers = ReturnType<typeof collectionMembers>;

/**
 * The one member a UID names in a collection: a UID held twice there (the owner's own event and an
 * invitation with the same UID) names the collection's own event first, then the lowest event id.
 */
export function memberForUID(found: Member[], collectionID: string): Member | undefined {
  return [...found].sort((a, b) => Number(b.calendarID === collectionID) - Number(a.calendarID === collectionID) || (a.eventID < b.eventID ? -1 : 1))[0];
}
