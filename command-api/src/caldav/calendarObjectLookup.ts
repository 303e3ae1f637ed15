import { type CalendarEventState, eventIDForICalUID, eventIDOfDerivedUID, iCalUIDOf } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';

/** The event a collection's resource of one UID stands for, read from its stream. */
export interface CalendarObject {
  eventID: string;
  state: Exclude<CalendarEventState, { status: 'absent' }>;
  version: number;
  /** Whether the collection holds it now (a cancelled event, or one the person left, is gone from it). */
  exists: boolean;
  /** The event is on another calendar and the collection is an attendee's primary: an invitation (RFC 6638). */
  invitation: boolean;
}

/** Candidates a UID can name: the read model's members of the collection with that UID, at most this many. */
const MAX_CANDIDATES = 4;

/**
 * Finds the event a collection holds under a UID (RFC 4791 §4.1: one UID per resource of a collection). The
 * read model (rm_events.ical_uid, rm_collection_members) names the candidates, then the stream a CalDAV PUT
 * or an import gives that UID on this calendar (eventIDForICalUID), then an API-made event's own UID
 * (`<eventID>@datebook`); each is confirmed on its stream, so a lagging read model can only make it look
 * further, never answer with the wrong event. Without a read model (a command API alone) only the streams are asked.
 */
export function calendarObjectLookup(events: CalendarEventService, readModel: SqlExecutor | undefined) {
  /** The read model's events of the collection with each of these UIDs (present ones first), at most MAX_CANDIDATES per UID. */
  async function readModelCandidates(collectionID: string, uids: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (readModel === undefined || uids.length === 0) return found;
    const { rows } = await readModel.query<{ ical_uid: string; event_id: string }>(
      `select e.ical_uid, m.event_id from rm_collection_members m join rm_events e on e.event_id = m.event_id
       where m.collection_id = $1 and e.ical_uid = any($2::text[]) order by m.present desc`,
      [collectionID, [...uids]],
    );
    for (const row of rows) {
      const ids = found.get(row.ical_uid) ?? [];
      if (ids.length < MAX_CANDIDATES) found.set(row.ical_uid, [...ids, row.event_id]);
    }
    return found;
  }

  function candidates(collectionID: string, uid: string, fromReadModel: readonly string[]): string[] {
    const derived = eventIDOfDerivedUID(uid);
    return [...new Set([...fromReadModel, eventIDForICalUID(collectionID, uid), ...(derived ? [derived] : [])])];
  }

  /** Whether the collection holds the event now: it is on that calendar, or invites the collection's owner (their primary). */
  function heldBy(collectionID: string, state: CalendarObject['state']): { exists: boolean; invitation: boolean } {
    if (state.calendarID === collectionID) return { exists: state.status === 'scheduled', invitation: false };
    const invited = state.hostID !== collectionID && state.attendees[collectionID] !== undefined;
    return { exists: invited && state.status === 'scheduled', invitation: invited };
  }

  return {
    readModelCandidates,

    /** The event the collection holds (or held) under `uid`; `fromReadModel`: the read model's candidates when the caller asked for many UIDs at once. */
    async find(collectionID: string, uid: string, fromReadModel?: readonly string[]): Promise<CalendarObject | undefined> {
      const hits = fromReadModel ?? (await readModelCandidates(collectionID, [uid])).get(uid) ?? [];
      let gone: CalendarObject | undefined;
      for (const eventID of candidates(collectionID, uid, hits)) {
        const { state, version } = await events.current(eventID);
        if (state.status === 'absent' || version === null || iCalUIDOf(state) !== uid) continue;
        const held = heldBy(collectionID, state);
        if (!held.exists && !held.invitation && state.calendarID !== collectionID) continue;
        const found = { eventID, state, version, ...held };
        if (found.exists) return found;
        // A cancelled one is kept in case nothing live has the UID: re-creating it writes the same stream.
        gone ??= found;
      }
      return gone;
    },
  };
}

export type CalendarObjectLookup = ReturnType<typeof calendarObjectLookup>;
