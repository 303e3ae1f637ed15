export type Upstream = 'command' | 'query' | 'notifier';

// The API's resources (first path segments): any other path is not the services' to answer through the
// gateway. A new top-level resource in a service's routes must be added here to be reachable.
const RESOURCES = new Set(['users', 'sessions', 'password-resets', 'events', 'calendars', 'freebusy', 'devices', 'sync', 'docs', 'dav', 'feeds', '.well-known']);

// WebDAV methods that only read (RFC 4918, RFC 4791 §7, RFC 6578): the query API answers them.
const DAV_READS = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);

/**
 * Which service answers a request: reads go to the query API, writes to the command API (the seed's split);
 * undefined for a path outside the API's resources (the gateway answers 404 itself).
 */
export function upstreamFor(method: string, path: string): Upstream | undefined {
  // Calendar apps given only the server's address ask its root for the principal (RFC 6764 §6, RFC 5397).
  if (path === '/' && (method === 'PROPFIND' || method === 'OPTIONS')) return 'query';
  const resource = path.split('/')[1]?.toLowerCase() ?? '';
  if (!RESOURCES.has(resource)) return undefined;
  // CalDAV (RFC 4791, RFC 6764): reads to the query API, writes (PUT, DELETE, MKCALENDAR, PROPPATCH) to the command API.
  if (resource === '.well-known') return /^\/\.well-known\/caldav\/?$/i.test(path) ? 'query' : undefined;
  if (resource === 'dav') return DAV_READS.has(method) ? 'query' : 'command';
  // Secret feed addresses are read without signing in.
  if (resource === 'feeds') return method === 'GET' || method === 'HEAD' ? 'query' : undefined;
  if (path.startsWith('/devices') || path.startsWith('/sync') || (method === 'GET' && /^\/events\/[^/]+\/notifications\/?$/.test(path))) return 'notifier';
  if (method === 'GET' && (path === '/events' || path.startsWith('/events/'))) return 'query';
  if (method === 'PATCH' && path.replace(/\/$/, '') === '/events/availability') return 'query';
  if (method === 'POST' && path.startsWith('/freebusy')) return 'query';
  // The calendar list's settings are written on the command side (PATCH, DELETE); the list is read on the query side.
  if ((method === 'GET' || method === 'HEAD') && (path.startsWith('/calendars') || /^\/users\/me\/calendarList(\/|$)/i.test(path))) return 'query';
  return 'command';
}
