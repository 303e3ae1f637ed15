import { yieldToLoop } from '@datebook/shared-kernel';
import type { PieceSink } from '@datebook/shared-kernel/dav';
import { childrenNamed, davName, MultistatusWriter, trimmedText, type XmlElement } from '@datebook/shared-kernel/dav';
import type { SeenCollection } from './collectionAccess';
import { type Member, memberForUID } from './collectionMembers';
import type { DavContext } from './davContext';
import { davTargetOf, hrefPath } from '@datebook/shared-kernel/dav';
import { calendarDataRequestOf, writeMemberResponses } from './memberResponses';
import { reportPropsOf } from './reportProps';

/** UIDs looked up per query. */
const CHUNK = 500;

/**
 * REPORT calendar-multiget (RFC 4791 §7.9): the named members of this collection, each href answered as
 * the client wrote it; one that names nothing here (another collection's, a member
 * gone, or no member at all) answers 404.
 */
export async function calendarMultigetReport(context: DavContext, collection: SeenCollection, report: XmlElement, emit: PieceSink): Promise<void> {
  const props = reportPropsOf(report);
  const data = calendarDataRequestOf(props);
  // Each href once, as written (the XML reader bounds how many there can be).
  const asked = [...new Set(childrenNamed(report, davName('href')).map(trimmedText))].map((href) => {
    const path = hrefPath(href);
    const target = path === undefined ? undefined : davTargetOf(path);
    const uid = target?.kind === 'object' && target.calendarID === collection.calendarID ? target.uid : undefined;
    return { href: path ?? href, uid };
  });
  const writer = new MultistatusWriter().open();
  await emit(writer.take());
  for (let i = 0; i < asked.length; i += CHUNK) {
    const chunk = asked.slice(i, i + CHUNK);
    const found = await context.members.byUIDs(collection.calendarID, context.viewer.userID, chunk.flatMap((a) => (a.uid === undefined ? [] : [a.uid])), data !== undefined);
    const byUID = new Map<string, Member>();
    for (const uid of new Set(found.map((m) => m.uid))) byUID.set(uid, memberForUID(found.filter((m) => m.uid === uid), collection.calendarID) as Member);
    // Found members are rendered together (one read of addresses per chunk); the rest answer 404.
    const hrefOfEvent = new Map<string, string>();
    const members: Member[] = [];
    for (const { href, uid } of chunk) {
      const member = uid === undefined ? undefined : byUID.get(uid);
      if (!member) writer.response({ href, status: 404 });
      else if (!hrefOfEvent.has(member.eventID)) {
        hrefOfEvent.set(member.eventID, href);
        members.push(member);
      }
    }
    await writeMemberResponses(writer, context, collection, members, props, data, (m) => hrefOfEvent.get(m.eventID) as string);
    await emit(writer.take());
    if (i + CHUNK < asked.length) await yieldToLoop();
  }
  await emit(writer.close().take());
}
