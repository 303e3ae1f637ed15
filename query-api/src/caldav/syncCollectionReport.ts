import { yieldToLoop } from '@datebook/shared-kernel';
import type { PieceSink } from '@datebook/shared-kernel/dav';
import { childNamed, davName, MultistatusWriter, seqOfSyncToken, syncTokenOf, trimmedText, unreadableXml, type XmlElement } from '@datebook/shared-kernel/dav';
import type { SeenCollection } from './collectionAccess';
import type { Member } from './collectionMembers';
import type { DavContext } from './davContext';
import { collectionHref, objectHref } from '@datebook/shared-kernel/dav';
import { calendarDataRequestOf, writeMemberResponses } from './memberResponses';
import { reportPropsOf } from './reportProps';

/** The most members one answer lists; the client asks again from the token it got (RFC 6578 §3.6). */
export const MAX_SYNC_RESULTS = 10_000;
/** Members written (and, with calendar-data, rendered) per chunk. */
const CHUNK = 250;

/** `<D:limit><D:nresults>n</D:nresults></D:limit>` (RFC 6578 §6.3, RFC 5323 §5.17), at most MAX_SYNC_RESULTS. */
function limitOf(report: XmlElement): number {
  const limit = childNamed(report, davName('limit'));
  const nresults = limit && childNamed(limit, davName('nresults'));
  if (!nresults) return MAX_SYNC_RESULTS;
  const n = Number(trimmedText(nresults));
  if (!Number.isInteger(n) || n < 1) throw unreadableXml('DAV:nresults is a positive whole number');
  return Math.min(n, MAX_SYNC_RESULTS);
}

/**
 * REPORT sync-collection (RFC 6578 §3.2): with an empty token every member present; with a token, every
 * member changed since (its properties) or gone since (`404`), oldest change first. The token's counter
 * is the collection's seq, raised by the projector once per change in commit order, so nothing below it
 * is ever missed. A list cut at the limit ends at a whole change (members of one projector batch share a
 * seq), answers 507 for the collection, and gives the token up to where it got (§3.6).
 */
export async function syncCollectionReport(context: DavContext, collection: SeenCollection, report: XmlElement, emit: PieceSink): Promise<void> {
  const tokenElement = childNamed(report, davName('sync-token'));
  if (!tokenElement) throw unreadableXml('DAV:sync-collection holds a DAV:sync-token (empty for a first sync)');
  const level = trimmedText(childNamed(report, davName('sync-level')) ?? tokenElement).toLowerCase();
  // A calendar collection has no collections inside it: "infinite" (§3.3) finds what "1" finds.
  if (childNamed(report, davName('sync-level')) && level !== '1' && level !== 'infinite') throw unreadableXml('DAV:sync-level is 1 or infinite');
  const props = reportPropsOf(report);
  const data = calendarDataRequestOf(props);
  const limit = limitOf(report);
  const { members: reads, viewer } = context;
  // The counter first: changes committed while the rows are read may be listed again next time, never missed.
  const version = await reads.versionOf(collection.calendarID);
  const since = seqOfSyncToken(trimmedText(tokenElement), version);
  const presentOnly = since === null;
  let rows = await reads.changedSince(collection.calendarID, viewer.userID, since ?? 0, { limit: limit + 1, presentOnly });
  let reached = version.seq;
  const truncated = rows.length > limit;
  if (truncated) {
    const boundary = (rows[limit] as Member).seq;
    const whole = rows.filter((r) => r.seq < boundary);
    // One change larger than the limit is listed whole: a token inside a change would lose the rest of it.
    rows = whole.length > 0 ? whole : await reads.changedAt(collection.calendarID, viewer.userID, boundary, { presentOnly });
    reached = whole.length > 0 ? boundary - 1 : boundary;
  }
  const writer = new MultistatusWriter().open();
  await emit(writer.take());
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    for (const gone of chunk.filter((m) => !m.present)) writer.response({ href: objectHref(collection.calendarID, gone.uid), status: 404 });
    await writeMemberResponses(writer, context, collection, chunk.filter((m) => m.present), props, data);
    await emit(writer.take());
    if (i + CHUNK < rows.length) await yieldToLoop();
  }
  if (truncated) writer.response({ href: collectionHref(collection.calendarID), status: 507 });
  await emit(writer.close(syncTokenOf({ ...version, seq: reached })).take());
}
