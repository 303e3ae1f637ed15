import type { ServerResponse } from 'node:http';
import { calendarEventDecider, calendarEventStreamName, commandKeyOf, iCalSequenceOf, eventIDForICalUID, davCollectionsOf, eventIDOfDerivedUID, iCalUIDOf, viewAudience } from '@datebook/shared-kernel';
import { DavError } from '@datebook/shared-kernel/dav';
import { caughtUpFold, type EventStore } from '@datebook/shared-kernel/ports';
import { seenCollection } from './collectionAccess';
import { type Member, memberForUID, type StoredEvent } from './collectionMembers';
import { matchSatisfied, noneMatchSatisfied } from './conditionalRequests';
import type { DavContext } from './davContext';
import { etagOf, representationOf } from './representation';

/**
 * The event a UID names in a collection, read from the event store itself: a client that just wrote it
 * (PUT, through the command side) reads back what it wrote and the ETag the write answered, whatever the
 * read model's lag. The candidates are the read model's match and the ids a UID determines (an event
 * written by UID on this calendar, an event made through the API); each is a member when it is
 * scheduled, has that UID, and the collection is among its collections (its calendar, its guests' primaries).
 */
async function memberFromStore(store: EventStore, found: Member[], calendarID: string, uid: string, viewerID: string): Promise<Member | undefined> {
  const candidates = new Set([...found.map((m) => m.eventID), eventIDForICalUID(calendarID, uid), eventIDOfDerivedUID(uid)].filter((id): id is string => id !== undefined));
  const members: Member[] = [];
  for (const eventID of candidates) {
    const { state, version } = await caughtUpFold(store, calendarEventStreamName(eventID), calendarEventDecider);
    if (state.status !== 'scheduled' || version === null || iCalUIDOf(state) !== uid || !davCollectionsOf(state).includes(calendarID)) continue;
    members.push({
      eventID, uid, version, seq: 0, present: true, calendarID: state.calendarID, visibility: state.visibility,
      viewerOnEvent: Object.hasOwn(viewAudience(state), viewerID), state: state as StoredEvent,
    });
  }
  return memberForUID(members, calendarID);
}

/** The event's SEQUENCE as its invitations numbered it (iCalSequenceOf over its stream, read whole). */
async function sequenceOf(store: EventStore, eventID: string): Promise<number> {
  const { events } = await store.readStream(calendarEventStreamName(eventID));
  return iCalSequenceOf(events.map((recorded) => ({ event: calendarEventDecider.parse(recorded), position: recorded.streamVersion - store.firstVersion, command: commandKeyOf(recorded.metadata) })));
}

/**
 * GET / HEAD of one event resource (RFC 4791 §4.1): text/calendar as the viewer may see it, with its
 * strong ETag; If-None-Match with the current ETag answers 304 before anything is rendered.
 */
export async function calendarObjectGet(context: DavContext, target: { calendarID: string; uid: string }, headers: { ifNoneMatch?: string; ifMatch?: string }, res: ServerResponse, head: boolean): Promise<void> {
  const seen = await seenCollection(context.store, context.viewer, target.calendarID, context.calendarOf);
  const found = await context.members.byUIDs(seen.calendarID, context.viewer.userID, [target.uid], false);
  const member = await memberFromStore(context.store, found, seen.calendarID, target.uid, context.viewer.userID);
  if (!member?.state) throw new DavError(404, 'no such event in this calendar');
  const representation = representationOf(member, seen, context.viewer);
  const etag = etagOf(member, representation);
  res.setHeader('ETag', etag);
  // Who may see what changes with every rule: a cache keeps the answer for this viewer only, and asks again.
  res.setHeader('Cache-Control', 'private, no-cache');
  if (!matchSatisfied(headers.ifMatch, etag)) throw new DavError(412, 'the event has changed since (If-Match)');
  if (noneMatchSatisfied(headers.ifNoneMatch, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const [text] = await context.renderer.separately([{ state: member.state, representation, sequence: await sequenceOf(context.store, member.eventID) }]);
  const body = Buffer.from(text as string, 'utf8');
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(head ? undefined : body);
}
