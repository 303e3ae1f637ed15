/**
 * What a write request's path names in the DAV tree (design 14's URL layout, as query-api/src/caldav/davPaths.ts
 * reads it for the reads): a collection `/dav/calendars/<calendarID>/`, or one of its resources
 * `/dav/calendars/<calendarID>/<name>.ics`. Paths are read whether the client percent-encoded them or not.
 */
export type DavWriteTarget =
  | { kind: 'collection'; calendarID: string }
  /** A collection URL whose last segment cannot name a calendar (MKCALENDAR: CALDAV:calendar-collection-location-ok). */
  | { kind: 'badCollection'; segment: string }
  /** `name` is the resource name without `.ics`: the UID for the resources Datebook lists (encodeURIComponent(UID).ics). */
  | { kind: 'object'; calendarID: string; name: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const collectionHref = (calendarID: string): string => `/dav/calendars/${calendarID}/`;
export const objectHref = (calendarID: string, uid: string): string => `${collectionHref(calendarID)}${encodeURIComponent(uid)}.ics`;

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The write target of a request path; undefined for anything the writes do not take (404). */
export function davWriteTargetOf(path: string): DavWriteTarget | undefined {
  const segments = path.split('/');
  if (segments[0] !== '' || segments[1]?.toLowerCase() !== 'dav' || segments[2]?.toLowerCase() !== 'calendars') return undefined;
  const rest = segments.slice(3);
  if (rest.at(-1) === '') rest.pop();
  const [collection, object, ...more] = rest;
  if (collection === undefined || more.length > 0) return undefined;
  if (!UUID.test(collection)) return object === undefined ? { kind: 'badCollection', segment: collection } : undefined;
  const calendarID = collection.toLowerCase();
  if (object === undefined) return { kind: 'collection', calendarID };
  const name = decoded(object);
  if (name === undefined || !name.toLowerCase().endsWith('.ics') || name.length <= 4) return undefined;
  return { kind: 'object', calendarID, name: name.slice(0, -4) };
}
