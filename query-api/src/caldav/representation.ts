import { seesBusyTimeOnly } from '@datebook/shared-kernel';
import type { Member } from './collectionMembers';
import type { SeenCollection } from './collectionAccess';
import type { DavViewer } from './davViewer';

/** Whose view of an event a resource shows (the codec's RenderInput.audience). */
export type Audience = 'full' | 'busyOnly' | { attendee: string };

/** How one viewer sees one member of a collection, and the letter its ETag carries for that view. */
export interface Representation {
  audience: Audience;
  /** f: full, b: busy time only, a: as the collection's owner, a guest, sees it. */
  letter: 'f' | 'b' | 'a';
  /**
   * Whose reminders become VALARMs: the viewer's, when they are on the event. Only reminders set on the
   * event are written (they are in its version); default reminders are a setting of the person, not of
   * the event, and writing them would change the bytes without changing the ETag.
   */
  viewerID: string | null;
}

/**
 * The view a viewer gets of a member (design 14, Rights): busy time only for a free/busy reader, and for a
 * reader of a private event they are not on (seesBusyTimeOnly); the event's own calendar shows it in full;
 * a primary collection shows an invitation as its owner, the guest, sees it (guest list limited by
 * guestsCanSeeOtherGuests), whoever reads that collection.
 */
export function representationOf(member: Pick<Member, 'calendarID' | 'visibility' | 'viewerOnEvent'>, collection: Pick<SeenCollection, 'calendarID' | 'role'>, viewer: Pick<DavViewer, 'userID'>): Representation {
  const viewerID = member.viewerOnEvent ? viewer.userID : null;
  if (seesBusyTimeOnly(collection.role, member.visibility, member.viewerOnEvent)) return { audience: 'busyOnly', letter: 'b', viewerID: null };
  if (member.calendarID === collection.calendarID) return { audience: 'full', letter: 'f', viewerID };
  return { audience: { attendee: collection.calendarID }, letter: 'a', viewerID };
}

/**
 * A strong ETag (RFC 9110 §8.8.3), `"<version>-<letter>"` (design 14): the stream version and the view, so a
 * change of rights changes it too. command-api's CalDAV writes answer and compare the same form.
 */
export const etagOf = (member: Pick<Member, 'version'>, representation: Representation): string => `"${member.version}-${representation.letter}"`;
