export type Upstream = 'command' | 'query' | 'notifier';

/** Which service answers a request: reads go to the query API, writes to the command API (the seed's split). */
export function upstreamFor(method: string, path: string): Upstream {
  if (path.startsWith('/devices') || path.startsWith('/sync') || (method === 'GET' && /^\/events\/[^/]+\/notifications\/?$/.test(path))) return 'notifier';
  if (method === 'GET' && (path === '/events' || path.startsWith('/events/'))) return 'query';
  if (method === 'PATCH' && path.replace(/\/$/, '') === '/events/availability') return 'query';
  if (method === 'POST' && path.startsWith('/freebusy')) return 'query';
  return 'command';
}
