import { yieldToLoop } from '@datebook/shared-kernel';
import type { PieceSink } from '@datebook/shared-kernel/dav';
import { DavError, MultistatusWriter, propfindFiniteDepth, type MultistatusResponse } from '@datebook/shared-kernel/dav';
import type { PersonalCalendarList } from '../calendarList/personalCalendarList';
import { type SeenCollection, seenCollection } from './collectionAccess';
import { type Member, memberForUID } from './collectionMembers';
import type { DavContext } from './davContext';
import { CALENDAR_HOME, collectionHref, DAV_ROOT, type DavTarget, PRINCIPALS, principalHref } from '@datebook/shared-kernel/dav';
import { collectionProperties, homeProperties, principalProperties, principalsProperties, rootProperties } from './davResources';
import { writeMemberResponses } from './memberResponses';
import type { PropRequest } from './propRequest';

export type Depth = '0' | '1';

/** RFC 4918 §10.2. Without a header PROPFIND means infinity, served as 1 (as most servers do); infinity itself is refused. */
export function depthOf(header: string | undefined): Depth {
  const value = (header ?? '1').trim().toLowerCase();
  if (value === '0' || value === '1') return value;
  if (value === 'infinity') throw propfindFiniteDepth();
  throw new DavError(400, 'Depth is 0, 1 or infinity');
}

/** Members listed per query for a Depth 1 PROPFIND of a collection, and the most one answer lists. */
const PAGE = 1_000;
export const MAX_LISTED_MEMBERS = 10_000;

const notFound = () => new DavError(404, 'nothing here');

/** The calendars of the viewer's list that they did not hide, with their role and where their changes stand. */
async function listedCollections(context: DavContext, list: PersonalCalendarList): Promise<{ seen: SeenCollection; version: Awaited<ReturnType<DavContext['members']['versionOf']>> }[]> {
  const { viewer } = context;
  const wanted = (await list.candidatesOf(viewer)).filter((calendarID) => !viewer.settingsOf(calendarID).hidden);
  const confirmed = await list.confirmedAll(viewer, wanted);
  const seen: SeenCollection[] = confirmed.flatMap(({ calendarID, calendar, role }) =>
    role === 'none' || calendar.state.status === 'absent' || calendar.state.status === 'deleted' ? [] : [{ calendarID, calendar: calendar.state, role }]);
  const versions = await context.members.versionsOf(seen.map((s) => s.calendarID));
  return seen.map((s) => ({ seen: s, version: versions.get(s.calendarID) as Awaited<ReturnType<DavContext['members']['versionOf']>> }));
}

/** A collection's members for a Depth 1 PROPFIND: ETags and types, a page at a time, at most MAX_LISTED_MEMBERS. */
async function writeMembers(writer: MultistatusWriter, emit: PieceSink, context: DavContext, seen: SeenCollection, request: PropRequest): Promise<void> {
  let after: string | undefined;
  let listed = 0;
  for (;;) {
    const page: Member[] = await context.members.present(seen.calendarID, context.viewer.userID, { withState: false, limit: PAGE, ...(after ? { after } : {}) });
    const shown = page.slice(0, MAX_LISTED_MEMBERS - listed);
    // calendar-data is a REPORT's to give (RFC 4791 §9.6): a PROPFIND answers it 404.
    await writeMemberResponses(writer, context, seen, shown, request, undefined);
    listed += shown.length;
    await emit(writer.take());
    if (shown.length < page.length) {
      writer.response({ href: collectionHref(seen.calendarID), status: 507 });
      return;
    }
    if (page.length < PAGE) return;
    after = page.at(-1)?.eventID;
    await yieldToLoop();
  }
}

/**
 * PROPFIND (RFC 4918 §9.1) on the DAV tree: the resource itself, and at Depth 1 its members. Only the
 * viewer's own principal exists for them; a calendar they may not see, or an event not in the collection, is 404.
 */
export async function propfind(context: DavContext, list: PersonalCalendarList, target: DavTarget, requestPath: string, depth: Depth, request: PropRequest, emit: PieceSink): Promise<void> {
  const { viewer, minimal } = context;
  const writer = new MultistatusWriter().open();
  const respond = (response: MultistatusResponse) => writer.response(response);
  switch (target.kind) {
    case 'root':
      respond(rootProperties(viewer).responseFor(requestPath === '/' ? '/' : DAV_ROOT, request, minimal));
      if (depth === '1' && requestPath !== '/') {
        respond(principalsProperties(viewer).responseFor(PRINCIPALS, request, minimal));
        respond(homeProperties(viewer).responseFor(CALENDAR_HOME, request, minimal));
      }
      break;
    case 'principals':
      respond(principalsProperties(viewer).responseFor(PRINCIPALS, request, minimal));
      if (depth === '1') respond(principalProperties(viewer).responseFor(principalHref(viewer.userID), request, minimal));
      break;
    case 'principal':
      if (target.userID !== viewer.userID) throw notFound();
      respond(principalProperties(viewer).responseFor(principalHref(viewer.userID), request, minimal));
      break;
    case 'home':
      respond(homeProperties(viewer).responseFor(CALENDAR_HOME, request, minimal));
      if (depth === '1') {
        for (const { seen, version } of await listedCollections(context, list)) {
          respond(collectionProperties(viewer, seen, version, context.clock()).responseFor(collectionHref(seen.calendarID), request, minimal));
        }
      }
      break;
    case 'collection': {
      const seen = await seenCollection(context.store, viewer, target.calendarID, context.calendarOf);
      const version = await context.members.versionOf(seen.calendarID);
      respond(collectionProperties(viewer, seen, version, context.clock()).responseFor(collectionHref(seen.calendarID), request, minimal));
      if (depth === '1') await writeMembers(writer, emit, context, seen, request);
      break;
    }
    case 'object': {
      const seen = await seenCollection(context.store, viewer, target.calendarID, context.calendarOf);
      const member = memberForUID(await context.members.byUIDs(seen.calendarID, viewer.userID, [target.uid], false), seen.calendarID);
      if (!member) throw notFound();
      await writeMemberResponses(writer, context, seen, [member], request, undefined);
      break;
    }
  }
  await emit(writer.close().take());
}
