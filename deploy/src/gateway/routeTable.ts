export type Upstream = 'command' | 'query' | 'notifier';

// The API's resources (first path segments): any other path is not the services' to answer through the
// gateway. A new top-level resource in a service's routes must be added here to be reachable.
const RESOURCES = new Set(['users', 'sessions', 'password-resets', 'events', 'calendars', 'freebusy', 'devices', 'sync', 'docs']);

/**
 * Which service answers a request: reads go to the query API, writes to the command API (the seed's split);
 * undefined for a path outside the API's resources (the gateway answers 404 itself).
 */
export function upstreamFor(method: string, path: string): Upstream | undefined {
  if (!RESOURCES.has(path.split('/')[1]?.toLowerCase() ?? '')) return undefined;
  if (path.startsWith('/devices') || path.startsWith('/sync') || (method === 'GET' && /^\/events\/[^/]+\/notifications\/?$/.test(path))) return 'notifier';
  if (method === 'GET' && (path === '/events' || path.startsWith('/events/'))) return 'query';
  if (method === 'PATCH' && path.replace(/\/$/, '') === '/events/availability') return 'query';
  if (method === 'POST' && path.startsWith('/freebusy')) return 'query';
  // The calendar list's settings are written on the command side (PATCH, DELETE); the list is read on the query side.
  if (method === 'GET' && (path.startsWith('/calendars') || /^\/users\/me\/calendarList(\/|$)/i.test(path))) return 'query';
  return 'command';
}
