import { davTargetOf } from '@datebook/shared-kernel/dav';

export { collectionHref, objectHref } from '@datebook/shared-kernel/dav';

/**
 * What a write request's path names in the DAV tree (the layout the reads use, `davTargetOf`): a collection
 * `/dav/calendars/<calendarID>/`, or one of its resources `/dav/calendars/<calendarID>/<name>.ics`.
 */
export type DavWriteTarget =
  | { kind: 'collection'; calendarID: string }
  /** A collection URL whose last segment cannot name a calendar (MKCALENDAR: CALDAV:calendar-collection-location-ok). */
  | { kind: 'badCollection'; segment: string }
  /** `name` is the resource name without `.ics`: the UID for the resources Datebook lists (encodeURIComponent(UID).ics). */
  | { kind: 'object'; calendarID: string; name: string };

/** The write target of a request path; undefined for anything the writes do not take (404). */
export function davWriteTargetOf(path: string): DavWriteTarget | undefined {
  const target = davTargetOf(path);
  if (target?.kind === 'collection') return target;
  if (target?.kind === 'object') return { kind: 'object', calendarID: target.calendarID, name: target.uid };
  // A collection a client names itself (MKCALENDAR) that is no calendar id: refused with the precondition, not 404.
  const collection = /^\/dav\/calendars\/([^/]+)\/?$/i.exec(path)?.[1];
  return collection !== undefined && target === undefined ? { kind: 'badCollection', segment: collection } : undefined;
}
