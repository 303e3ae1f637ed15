/**
 * The URL layout of the DAV tree (design: /dav/ root, principals, the calendar home, one collection per
 * calendar, one resource per event named by its UID). Hrefs are written percent-encoded; paths are read
 * whether the client encoded them or not.
 */
export const DAV_ROOT = '/dav/';
export const PRINCIPALS = '/dav/principals/';
export const CALENDAR_HOME = '/dav/calendars/';

export const principalHref = (userID: string): string => `${PRINCIPALS}${userID}/`;
export const collectionHref = (calendarID: string): string => `${CALENDAR_HOME}${calendarID}/`;
/** An event's resource name: its UID, percent-encoded (RFC 3986 §2.1), then `.ics`. */
export const objectName = (uid: string): string => `${encodeURIComponent(uid)}.ics`;
export const objectHref = (calendarID: string, uid: string): string => `${collectionHref(calendarID)}${objectName(uid)}`;

export type DavTarget =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'principal'; userID: string }
  | { kind: 'home' }
  | { kind: 'collection'; calendarID: string }
  | { kind: 'object'; calendarID: string; uid: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** What a request path (or an href's path) names in the DAV tree; undefined for anything else. */
export function davTargetOf(path: string): DavTarget | undefined {
  if (path === '/') return { kind: 'root' };
  const segments = path.split('/');
  // A leading '' from the first slash, and a trailing '' when the path ends in one.
  if (segments[0] !== '' || segments[1]?.toLowerCase() !== 'dav') return undefined;
  const rest = segments.slice(2);
  if (rest.at(-1) === '') rest.pop();
  const [first, second, third, ...more] = rest;
  if (first === undefined) return { kind: 'root' };
  if (more.length > 0) return undefined;
  const area = first.toLowerCase();
  if (area === 'principals') {
    if (second === undefined) return { kind: 'principals' };
    return third === undefined && UUID.test(second) ? { kind: 'principal', userID: second.toLowerCase() } : undefined;
  }
  if (area !== 'calendars') return undefined;
  if (second === undefined) return { kind: 'home' };
  if (!UUID.test(second)) return undefined;
  const calendarID = second.toLowerCase();
  if (third === undefined) return { kind: 'collection', calendarID };
  const name = decoded(third);
  if (name === undefined || !name.toLowerCase().endsWith('.ics') || name.length <= 4) return undefined;
  return { kind: 'object', calendarID, uid: name.slice(0, -4) };
}

/** The path of an href a client sent: absolute paths as they are, full URLs by their path (RFC 4918 §8.3). */
export function hrefPath(href: string): string | undefined {
  const text = href.trim();
  if (text.startsWith('/')) return text.split(/[?#]/)[0];
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}
